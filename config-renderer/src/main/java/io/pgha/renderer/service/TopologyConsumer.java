package io.pgha.renderer.service;

import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.messaging.IncomingEvents;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes pgha.topology (channel {@code topology}, this instance's own consumer group) through
 * pgha-messaging: a record that does not parse goes to pgha.topology.dlq; a tombstone deletes its cluster.
 */
@ApplicationScoped
public class TopologyConsumer {
    private static final Logger LOG = Logger.getLogger(TopologyConsumer.class);

    @Inject
    IncomingEvents incoming;

    @Inject
    HaproxyRouting routing;

    @Inject
    CatchUp catchUp;

    @Incoming("topology")
    public CompletionStage<Void> consume(Message<byte[]> record) {
        Optional<IncomingKafkaRecordMetadata> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class);
        try {
            if (record.getPayload() == null) {
                Object key = kafka.map(IncomingKafkaRecordMetadata::getKey).orElse(null);
                if (key != null) {
                    LOG.infof("tombstone for cluster %s: removing its listeners", key);
                    routing.deleted(key.toString());
                }
                return record.ack();
            }
            return incoming.handle(record, event -> {
                if (event instanceof TopologyChanged topology) {
                    routing.offer(topology);
                }
            });
        } finally {
            kafka.ifPresent(meta ->
                    catchUp.handled(new TopicPartition(meta.getTopic(), meta.getPartition()), meta.getOffset()));
        }
    }
}
