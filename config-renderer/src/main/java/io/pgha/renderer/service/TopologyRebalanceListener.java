package io.pgha.renderer.service;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Reads pgha.topology from its beginning at every assignment, whatever the group committed: the
 * topic is compacted, so the whole of it is the current picture of every cluster.
 */
@ApplicationScoped
@Identifier(TopologyRebalanceListener.NAME)
public class TopologyRebalanceListener implements KafkaConsumerRebalanceListener {
    /** Named by {@code mp.messaging.incoming.topology.consumer-rebalance-listener.name}. */
    public static final String NAME = "pgha-topology-rebalance";

    private static final Logger LOG = Logger.getLogger(TopologyRebalanceListener.class);

    @Inject
    CatchUp catchUp;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        consumer.seekToBeginning(partitions);
        var beginnings = consumer.beginningOffsets(partitions);
        var ends = consumer.endOffsets(partitions);
        LOG.infof("assigned %s: reading from %s up to %s before rendering", partitions, beginnings, ends);
        catchUp.assigned(beginnings, ends);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        catchUp.revoked(partitions);
    }
}
