package io.pgha.monitor.topology;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the consumer group's partition assignment: assigned partitions are read from their start
 * (the compacted topic holds every cluster's current topology), revoked or lost ones drop their
 * clusters, so each cluster is probed by exactly one monitor instance.
 */
@ApplicationScoped
@Identifier(TopologyRebalanceListener.NAME)
public class TopologyRebalanceListener implements KafkaConsumerRebalanceListener {
    /** The name the channel's {@code consumer-rebalance-listener.name} refers to. */
    public static final String NAME = "pgha-topology-rebalance";

    @Inject
    TopologyStore store;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        consumer.seekToBeginning(partitions);
        store.assign(numbers(partitions));
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            store.revoke(numbers(partitions));
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }
}
