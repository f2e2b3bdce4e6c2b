package io.pgha.renderer.render;

import static io.pgha.renderer.render.Topologies.member;
import static io.pgha.renderer.render.Topologies.settings;
import static io.pgha.renderer.render.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyCheckTest {
    @Test
    void aGoodTopologyHasNoProblems() {
        assertThat(TopologyCheck.problems(topology(3, "pg-0", 3), settings())).isEmpty();
    }

    @Test
    void portZeroIsRefusedBeforeHaproxyTakesItAsTheClientsPort() {
        TopologyChanged topology = topology(3, "pg-0", 2);
        List<Member> members = new ArrayList<>(topology.members());
        members.add(member("pg-9", MemberRole.REPLICA, 0, 8099));

        assertThat(TopologyCheck.problems(Topologies.withMembers(topology, members), settings()))
                .containsExactly("cluster main, member pg-9: port 0 is not a TCP port (1-65535)");
    }

    @Test
    void namesAgentUrlsDuplicatesAndUnknownClustersAreChecked() {
        TopologyChanged topology = topology(3, "pg-0", 1);
        List<Member> members = List.of(
                topology.members().get(0),
                topology.members().get(0),
                new Member("bad name", MemberRole.REPLICA, null, "127.0.0.1", 5433, null, null, null, Map.of()),
                new Member("pg-3", MemberRole.REPLICA, null, "127.0.0.1", 5434, "ftp://x:1", null, null, Map.of()));

        List<String> problems = TopologyCheck.problems(Topologies.withMembers(topology, members), settings());

        assertThat(problems)
                .anyMatch(p -> p.contains("member pg-0: listed twice"))
                .anyMatch(p -> p.contains("member bad name: the name cannot name an HAProxy server"))
                .anyMatch(p -> p.contains("member bad name: api_url 'null'"))
                .anyMatch(p -> p.contains("member pg-3: api_url 'ftp://x:1'"));
        TopologyChanged other = new TopologyChanged("other", 1, null, List.of(), List.of(), false, Topologies.AT);
        assertThat(TopologyCheck.problems(other, settings()))
                .containsExactly("cluster other has no ports: set pgha.renderer.clusters.\"other\".read-write-port"
                        + " and read-only-port");
    }

    @Test
    void theAgentPortComesFromTheApiUrl() {
        assertThat(TopologyCheck.agentEndpoint(member("pg-0", MemberRole.LEADER, 5432, 8123)))
                .contains(new TopologyCheck.AgentEndpoint("127.0.0.1", 8123, false));
    }
}
