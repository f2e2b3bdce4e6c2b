package io.pgha.messaging;

import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * How every consumer of a compacted topic (pgha.topology) reads it: each assigned partition from its
 * beginning, whatever the group committed, since the whole compacted partition is the current picture;
 * revoked and lost partitions are handed back. Subclasses say what to do with both.
 */
public abstract class CompactedTopicListener implements KafkaConsumerRebalanceListener {
    /**
     * {@code partitions} are now read from {@code beginnings}; {@code ends} is where each ended at the
     * assignment (what was there before this consumer joined).
     */
    protected abstract void fromBeginning(
            Collection<TopicPartition> partitions,
            Map<TopicPartition, Long> beginnings,
            Map<TopicPartition, Long> ends);

    /** {@code partitions} are no longer this consumer's (revoked or lost). */
    protected abstract void handedBack(Collection<TopicPartition> partitions);

    @Override
    public final void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        consumer.seekToBeginning(partitions);
        fromBeginning(partitions, consumer.beginningOffsets(partitions), consumer.endOffsets(partitions));
    }

    @Override
    public final void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            handedBack(partitions);
        }
    }

    @Override
    public final void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }
}
