package io.pgha.monitor.topology;

import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.messaging.IncomingEvents;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reads the compacted {@code pgha.topology} topic as a member of the monitors' consumer group: a
 * topology goes into the {@link TopologyStore} under its partition, a tombstone removes its cluster,
 * a record that cannot be parsed goes to {@code pgha.topology.dlq} (through {@link IncomingEvents}).
 */
@ApplicationScoped
public class TopologyConsumer {
    /** The incoming channel (configured in application.properties). */
    public static final String CHANNEL = "topology";

    @Inject
    IncomingEvents incoming;

    @Inject
    TopologyStore store;

    @Incoming(CHANNEL)
    public CompletionStage<Void> consume(Message<byte[]> record) {
        IncomingKafkaRecordMetadata<?, ?> kafka =
                record.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        int partition = kafka == null ? 0 : kafka.getPartition();
        String key =
                kafka == null || kafka.getKey() == null ? null : kafka.getKey().toString();
        if (record.getPayload() == null) {
            store.remove(partition, key);
            return record.ack();
        }
        return incoming.handle(record, event -> {
            if (event instanceof TopologyChanged topology) {
                store.apply(partition, key, topology);
            }
        });
    }
}
