package io.pgha.alert.engine;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a replay still has to read: per assigned partition, the end offset seen at the assignment,
 * as long as a record before it was not handled yet. Immutable and pure.
 *
 * @param remaining partitions not read to their end yet, with that end
 */
public record CatchUp(Map<TopicPartition, Long> remaining) {
    public CatchUp {
        remaining = Map.copyOf(remaining);
    }

    /**
     * A replay that reads every partition from {@code starts} to {@code ends}; a partition whose start
     * is at or after its end (nothing to read, or no start known) is done at once.
     */
    public static CatchUp of(Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> remaining = new HashMap<>();
        ends.forEach((partition, end) -> {
            Long start = starts.get(partition);
            if (start != null && start < end) {
                remaining.put(partition, end);
            }
        });
        return new CatchUp(remaining);
    }

    /** The record at {@code offset} of {@code partition} was handled (folded or dead-lettered). */
    public CatchUp handled(TopicPartition partition, long offset) {
        Long end = remaining.get(partition);
        if (end == null || offset + 1 < end) {
            return this;
        }
        Map<TopicPartition, Long> next = new HashMap<>(remaining);
        next.remove(partition);
        return new CatchUp(next);
    }

    /** Every partition was read to where it ended at the assignment. */
    public boolean done() {
        return remaining.isEmpty();
    }
}
