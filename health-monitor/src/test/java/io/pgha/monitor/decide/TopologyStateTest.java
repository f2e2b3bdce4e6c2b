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

class TopologyStateTest {
    private static TopologyChanged topology(String cluster, long epoch) {
        return new TopologyChanged(
                cluster,
                epoch,
                "pg-0",
                List.of(new Member("pg-0", MemberRole.LEADER, "running", "10.0.0.1", 5432, null, 1, 0L, Map.of())),
                List.of(),
                false,
                Instant.parse("2025-05-01T10:00:00Z"));
    }

    @Test
    void recordsOfAssignedPartitionsAreKeptLatestFirst() {
        TopologyState state = new TopologyState();
        state.assign(List.of(0, 1));

        assertThat(state.apply(0, "a", topology("a", 1))).isTrue();
        assertThat(state.apply(1, "b", topology("b", 1))).isTrue();
        assertThat(state.apply(0, "a", topology("a", 1))).isFalse();
        assertThat(state.apply(0, "a", topology("a", 2))).isTrue();

        assertThat(state.clusters()).containsOnlyKeys("a", "b");
        assertThat(state.cluster("a"))
                .hasValueSatisfying(t -> assertThat(t.epoch()).isEqualTo(2));
    }

    @Test
    void aRevokedPartitionTakesItsClustersAndLateRecordsAreIgnored() {
        TopologyState state = new TopologyState();
        state.assign(List.of(0, 1));
        state.apply(0, "a", topology("a", 1));
        state.apply(1, "b", topology("b", 1));

        state.revoke(List.of(0));

        assertThat(state.clusters()).containsOnlyKeys("b");
        assertThat(state.apply(0, "a", topology("a", 2))).isFalse();
        assertThat(state.clusters()).containsOnlyKeys("b");
        assertThat(state.assigned()).containsExactly(1);
    }

    @Test
    void aReassignedPartitionStartsEmptyAndIsReadAgain() {
        TopologyState state = new TopologyState();
        state.assign(List.of(0));
        state.apply(0, "a", topology("a", 1));
        state.revoke(List.of(0));
        state.assign(List.of(0));

        assertThat(state.clusters()).isEmpty();
        assertThat(state.apply(0, "a", topology("a", 1))).isTrue();
    }

    @Test
    void aTombstoneRemovesTheCluster() {
        TopologyState state = new TopologyState();
        state.assign(List.of(0));
        state.apply(0, "a", topology("a", 1));

        assertThat(state.remove(0, "a")).isTrue();
        assertThat(state.remove(0, "a")).isFalse();
        assertThat(state.clusters()).isEmpty();
    }

    @Test
    void theKeyMustBeTheCluster() {
        TopologyState state = new TopologyState();
        state.assign(List.of(0));

        assertThatThrownBy(() -> state.apply(0, "b", topology("a", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyed 'b'")
                .hasMessageContaining("cluster 'a'");
    }
}
