package io.pgha.alert.engine;

import io.pgha.events.Topics;
import io.pgha.messaging.IncomingEvents;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes pgha.node-health, pgha.election, pgha.topology, pgha.backup and pgha.alerts on one channel
 * ({@value #CHANNEL}, consumer group {@code pgha-alert-<name>}: every replica reads everything, in
 * one order per partition, on one thread). Records that do not parse, or fail {@link RecordCheck}, go
 * to their own topic's .dlq with the reason; a tombstone on pgha.topology deletes its cluster.
 */
@ApplicationScoped
public class EventConsumer {
    /** The channel; see application.properties. */
    public static final String CHANNEL = "pgha-in";

    private final Clock clock = Clock.systemUTC();

    @Inject
    IncomingEvents incoming;

    @Inject
    AlertEngine engine;

    @Incoming(CHANNEL)
    @Blocking
    public CompletionStage<Void> consume(Message<byte[]> record) {
        Optional<IncomingKafkaRecordMetadata> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class);
        String topic = kafka.map(IncomingKafkaRecordMetadata::getTopic).orElse(null);
        String key = kafka.map(IncomingKafkaRecordMetadata::getKey)
                .map(String::valueOf)
                .orElse(null);
        try {
            if (record.getPayload() == null && Topics.TOPOLOGY.name().equals(topic) && key != null) {
                engine.forget(key, clock.instant());
                return record.ack();
            }
            return incoming.handle(
                    record,
                    event -> {
                        Optional<String> problem = RecordCheck.problem(key, event);
                        if (problem.isPresent()) {
                            throw new IllegalArgumentException(problem.get());
                        }
                        engine.fold(event, topic, clock.instant());
                    },
                    engine.metrics()::deadLettered);
        } finally {
            kafka.ifPresent(meta -> engine.handled(
                    new TopicPartition(meta.getTopic(), meta.getPartition()), meta.getOffset(), clock.instant()));
        }
    }
}
