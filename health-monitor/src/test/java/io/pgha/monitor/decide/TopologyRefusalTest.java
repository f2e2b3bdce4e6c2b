package io.pgha.monitor.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A topology the monitor must not probe is refused with a reason naming the cluster and the field (its
 * consumer then sends it to pgha.topology.dlq), and the topology kept before it stays in force.
 */
class TopologyRefusalTest {
    private static final Instant T = Instant.parse("2025-05-01T10:00:00Z");

    private static Member member(String name, String host) {
        return new Member(name, MemberRole.REPLICA, "running", host, 5432, null, 1, 0L, Map.of());
    }

    private static TopologyChanged topology(String cluster, String leader, List<String> sync, Member... members) {
        return new TopologyChanged(cluster, 2, leader, List.of(members), sync, false, T);
    }

    private static TopologyState stateWithValidTopology() {
        TopologyState state = new TopologyState();
        state.assign(List.of(0));
        state.apply(
                0, "a", new TopologyChanged("a", 1, "pg-0", List.of(member("pg-0", "10.0.0.1")), List.of(), false, T));
        return state;
    }

    @Test
    void aNewlineInTheLeaderIsRefused() {
        TopologyState state = stateWithValidTopology();
        assertThatThrownBy(() -> state.apply(
                        0,
                        "a",
                        topology("a", "pg-0\nserver evil 10.0.0.66:5432", List.of(), member("pg-0", "10.0.0.1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster 'a'")
                .hasMessageContaining("leader")
                .hasMessageContaining("control character");
        assertThat(state.cluster("a"))
                .hasValueSatisfying(t -> assertThat(t.epoch()).isEqualTo(1));
    }

    @Test
    void aLeaderThatIsNoMemberIsRefused() {
        TopologyState state = stateWithValidTopology();
        assertThatThrownBy(() -> state.apply(0, "a", topology("a", "pg-9", List.of(), member("pg-0", "10.0.0.1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the leader 'pg-9' is not a member");
        assertThat(state.cluster("a"))
                .hasValueSatisfying(t -> assertThat(t.leader()).isEqualTo("pg-0"));
    }

    @Test
    void controlCharactersInMemberNamesHostsAndSyncStandbysAreRefused() {
        TopologyState state = stateWithValidTopology();
        assertThatThrownBy(() -> state.apply(
                        0,
                        "a",
                        topology("a", "pg-0", List.of(), member("pg-0", "10.0.0.1"), member("pg-\u00011", "10.0.0.2"))))
                .hasMessageContaining("members[].name");
        assertThatThrownBy(() ->
                        state.apply(0, "a", topology("a", "pg-0", List.of(), member("pg-0", "10.0.0.1\nbind :80"))))
                .hasMessageContaining("members[].host");
        assertThatThrownBy(
                        () -> state.apply(0, "a", topology("a", "pg-0", List.of("pg-0\r"), member("pg-0", "10.0.0.1"))))
                .hasMessageContaining("sync_standbys");
        assertThatThrownBy(() -> state.apply(0, "a\n", topology("a\n", "pg-0", List.of(), member("pg-0", "10.0.0.1"))))
                .hasMessageContaining("cluster");
        assertThat(state.clusters()).containsOnlyKeys("a");
    }

    @Test
    void aTopologyWithoutALeaderDuringAFailoverIsKept() {
        TopologyState state = stateWithValidTopology();
        assertThat(state.apply(0, "a", topology("a", null, List.of(), member("pg-0", "10.0.0.1"))))
                .isTrue();
    }
}
