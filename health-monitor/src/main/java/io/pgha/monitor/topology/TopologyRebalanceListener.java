package io.pgha.monitor.topology;

import io.pgha.messaging.CompactedTopicListener;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the consumer group's partition assignment: assigned partitions are read from their start
 * ({@link CompactedTopicListener}: the compacted topic holds every cluster's current topology),
 * revoked or lost ones drop their clusters, so each cluster is probed by exactly one monitor instance.
 */
@ApplicationScoped
@Identifier(TopologyRebalanceListener.NAME)
public class TopologyRebalanceListener extends CompactedTopicListener {
    /** The name the channel's {@code consumer-rebalance-listener.name} refers to. */
    public static final String NAME = "pgha-topology-rebalance";

    @Inject
    TopologyStore store;

    @Override
    protected void fromBeginning(
            Collection<TopicPartition> partitions,
            Map<TopicPartition, Long> beginnings,
            Map<TopicPartition, Long> ends) {
        store.assign(numbers(partitions));
    }

    @Override
    protected void handedBack(Collection<TopicPartition> partitions) {
        store.revoke(numbers(partitions));
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }
}
