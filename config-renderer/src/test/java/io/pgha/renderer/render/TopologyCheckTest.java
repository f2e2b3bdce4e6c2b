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
                .anyMatch(p -> p.contains("member bad name: member name 'bad name' is invalid"))
                .anyMatch(p -> p.contains("member bad name: api_url 'null'"))
                .anyMatch(p -> p.contains("member pg-3: api_url 'ftp://x:1'"));
        TopologyChanged other = new TopologyChanged("other", 1, null, List.of(), List.of(), false, Topologies.AT);
        assertThat(TopologyCheck.problems(other, settings()))
                .containsExactly("cluster other has no ports: set pgha.renderer.clusters.\"other\".read-write-port"
                        + " and read-only-port");
    }

    @Test
    void aLeaderWithANewlineCannotAddHaproxyDirectives() {
        TopologyChanged topology = withLeader(topology(3, "pg-0", 3), "pg-0\nlisten evil\n    bind :6666");

        assertThat(TopologyCheck.problems(topology, settings()))
                .anyMatch(p -> p.contains("leader") && p.contains("control character"));
        assertThat(TopologyCheck.problems(topology, settings()))
                .as("the leader's name fails the name rules too")
                .anyMatch(p -> p.contains("leader name"));
    }

    @Test
    void theLeaderMustBeAMemberOrAbsent() {
        assertThat(TopologyCheck.problems(withLeader(topology(3, "pg-0", 3), "pg-7"), settings()))
                .containsExactly("cluster main: leader pg-7 is not one of the members (pg-0, pg-1, pg-2)");
        assertThat(TopologyCheck.problems(withLeader(topology(3, "pg-0", 3), null), settings()))
                .isEmpty();
    }

    @Test
    void controlCharactersAreRefusedInEveryStringField() {
        TopologyChanged good = topology(3, "pg-0", 2);
        Member pg1 = good.members().get(1);
        List<TopologyChanged> hostile = List.of(
                Topologies.withMembers(good, List.of(good.members().get(0), memberWith(pg1, "state", "running\r\n"))),
                Topologies.withMembers(
                        good, List.of(good.members().get(0), memberWith(pg1, "apiUrl", "http://127.0.0.1:8009/x\n"))),
                Topologies.withMembers(
                        good, List.of(good.members().get(0), memberWith(pg1, "tags", Map.of("clonefrom", "a\u0000b")))),
                Topologies.withMembers(
                        good, List.of(good.members().get(0), memberWith(pg1, "tags", Map.of("no\tsync", true)))),
                new TopologyChanged("main", 3, "pg-0", good.members(), List.of("pg-1\u001b[2J"), false, Topologies.AT));

        for (TopologyChanged topology : hostile) {
            assertThat(TopologyCheck.problems(topology, settings()))
                    .as(topology.toString())
                    .anyMatch(p -> p.contains("control character"));
        }
    }

    @Test
    void namesFollowTheEtcdNameRules() {
        TopologyChanged topology = topology(3, "pg-0", 1);
        Member longName = memberWith(topology.members().get(0), "name", "p".repeat(64));

        assertThat(TopologyCheck.problems(Topologies.withMembers(topology, List.of(longName)), settings()))
                .anyMatch(p -> p.contains("member name '" + "p".repeat(64) + "' is invalid: use 1-63 letters"));
    }

    private static TopologyChanged withLeader(TopologyChanged topology, String leader) {
        return new TopologyChanged(
                topology.cluster(),
                topology.epoch(),
                leader,
                topology.members(),
                topology.syncStandbys(),
                topology.pause(),
                topology.occurredAt());
    }

    private static Member memberWith(Member m, String field, Object value) {
        return new Member(
                field.equals("name") ? (String) value : m.name(),
                m.role(),
                field.equals("state") ? (String) value : m.state(),
                m.host(),
                m.port(),
                field.equals("apiUrl") ? (String) value : m.apiUrl(),
                m.timeline(),
                m.lag(),
                field.equals("tags") ? castTags(value) : m.tags());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castTags(Object value) {
        return (Map<String, Object>) value;
    }

    @Test
    void theAgentPortComesFromTheApiUrl() {
        assertThat(TopologyCheck.agentEndpoint(member("pg-0", MemberRole.LEADER, 5432, 8123)))
                .contains(new TopologyCheck.AgentEndpoint("127.0.0.1", 8123, false));
    }
}
