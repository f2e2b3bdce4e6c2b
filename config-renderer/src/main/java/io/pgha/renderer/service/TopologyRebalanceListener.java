package io.pgha.renderer.service;

import io.pgha.messaging.CompactedTopicListener;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Reads pgha.topology from its beginning at every assignment ({@link CompactedTopicListener}); nothing
 * is rendered before every assigned partition was read to where it ended at the assignment.
 */
@ApplicationScoped
@Identifier(TopologyRebalanceListener.NAME)
public class TopologyRebalanceListener extends CompactedTopicListener {
    /** Named by {@code mp.messaging.incoming.topology.consumer-rebalance-listener.name}. */
    public static final String NAME = "pgha-topology-rebalance";

    private static final Logger LOG = Logger.getLogger(TopologyRebalanceListener.class);

    @Inject
    CatchUp catchUp;

    @Override
    protected void fromBeginning(
            Collection<TopicPartition> partitions,
            Map<TopicPartition, Long> beginnings,
            Map<TopicPartition, Long> ends) {
        LOG.infof("assigned %s: reading from %s up to %s before rendering", partitions, beginnings, ends);
        catchUp.assigned(beginnings, ends);
    }

    @Override
    protected void handedBack(Collection<TopicPartition> partitions) {
        catchUp.revoked(partitions);
    }
}
