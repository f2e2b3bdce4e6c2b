package io.pgha.alert.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CatchUpTest {
    private static final TopicPartition HEALTH = new TopicPartition("pgha.node-health", 0);
    private static final TopicPartition TOPOLOGY = new TopicPartition("pgha.topology", 0);

    @Test
    void partitionsWithNothingToReadAreDoneAtOnce() {
        CatchUp plan = CatchUp.of(Map.of(HEALTH, 10L, TOPOLOGY, 0L), Map.of(HEALTH, 10L, TOPOLOGY, 0L));
        assertThat(plan.done()).isTrue();
    }

    @Test
    void aPartitionIsDoneWhenTheRecordBeforeItsEndIsHandled() {
        CatchUp plan = CatchUp.of(Map.of(HEALTH, 5L, TOPOLOGY, 0L), Map.of(HEALTH, 8L, TOPOLOGY, 3L));
        assertThat(plan.remaining()).containsOnlyKeys(HEALTH, TOPOLOGY);

        plan = plan.handled(HEALTH, 6);
        assertThat(plan.remaining()).containsOnlyKeys(HEALTH, TOPOLOGY);
        plan = plan.handled(TOPOLOGY, 2).handled(HEALTH, 7);
        assertThat(plan.done()).isTrue();
    }

    @Test
    void recordsAfterTheEndSeenAtTheAssignmentAlsoCountAndOthersPartitionsAreIgnored() {
        CatchUp plan = CatchUp.of(Map.of(HEALTH, 0L), Map.of(HEALTH, 4L));
        assertThat(plan.handled(new TopicPartition("pgha.backup", 0), 100).done())
                .isFalse();
        assertThat(plan.handled(HEALTH, 9).done()).isTrue(); // compaction or a gap skipped offset 3
    }

    @Test
    void aPartitionWithoutAStartIsNotWaitedFor() {
        assertThat(CatchUp.of(Map.of(), Map.of(HEALTH, 4L)).done()).isTrue();
    }
}
