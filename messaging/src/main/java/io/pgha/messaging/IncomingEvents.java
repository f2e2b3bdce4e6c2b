package io.pgha.messaging;

import io.pgha.events.CloudEventHeaders;
import io.pgha.events.EventCodec;
import io.pgha.events.Topics;
import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * The consumer side of every service. In an {@code @Incoming} method that takes
 * {@code Message<byte[]>}:
 *
 * <pre>{@code
 * @Incoming("node-health")
 * public CompletionStage<Void> consume(Message<byte[]> record) {
 *     return incoming.handle(record, event -> ...);
 * }
 * }</pre>
 *
 * A record that parses and comes from the kind of service that publishes its type
 * ({@link io.pgha.events.Producers}, checked on the {@code ce_source} header) is handed over and
 * acknowledged; a pgha type this version does not know is acknowledged and skipped; a record that does
 * not parse, comes from another source, or whose handler throws is nacked, so
 * the channel's {@code dead-letter-queue} failure strategy writes it, with its original headers and
 * the reason, to {@code <topic>.dlq} (the record's own topic's, also when the channel reads several
 * topics), and the channel carries on. {@link ConsumerChannelCheck} makes
 * sure every channel on a pgha topic is configured that way.
 */
@ApplicationScoped
public class IncomingEvents {
    private static final Logger LOG = Logger.getLogger(IncomingEvents.class);

    private final EventCodec codec = new EventCodec();

    /** Decides what {@code message} is, then acks, skips or nacks it as above. */
    public CompletionStage<Void> handle(Message<byte[]> message, EventHandler handler) {
        return handle(message, handler, (topic, reason) -> {});
    }

    /**
     * Like {@link #handle(Message, EventHandler)}; {@code deadLettered} hears of every record sent to
     * a dead-letter topic (the record's topic and the reason), say to count them.
     */
    public CompletionStage<Void> handle(Message<byte[]> message, EventHandler handler, DeadLetters deadLettered) {
        String ceType = ceType(message).orElse(null);
        IncomingDecision decision =
                IncomingDecision.decide(ceType, ceSource(message).orElse(null), message.getPayload(), codec);
        if (decision instanceof IncomingDecision.Process process) {
            try {
                handler.handle(process.event());
            } catch (Exception e) {
                LOG.warnf(
                        "handling %s (subject %s) from %s failed, sending it to the dead-letter topic: %s",
                        ceType, process.event().subject(), where(message), e.toString());
                deadLettered.sent(topic(message), String.valueOf(e.getMessage()));
                return message.nack(e, deadLetterTopic(message));
            }
            return message.ack();
        }
        if (decision instanceof IncomingDecision.Skip skip) {
            LOG.debugf(
                    "skipping %s from %s: a type this version of pgha-events does not know",
                    skip.type(), where(message));
            return message.ack();
        }
        IncomingDecision.DeadLetter dead = (IncomingDecision.DeadLetter) decision;
        LOG.warnf("refused record from %s, sending it to the dead-letter topic: %s", where(message), dead.reason());
        deadLettered.sent(topic(message), dead.reason());
        return message.nack(dead.error(), deadLetterTopic(message));
    }

    /** Hears of records sent to a dead-letter topic. */
    @FunctionalInterface
    public interface DeadLetters {
        /** The record of {@code topic} (null off Kafka) went to its dead-letter topic for {@code reason}. */
        void sent(String topic, String reason);
    }

    /**
     * Names {@code <topic>.dlq} of the record's own pgha topic for the dead-letter strategy (which
     * takes the topic of an {@link OutgoingKafkaRecordMetadata} passed to the nack over the channel's
     * {@code dead-letter-queue.topic}), so one channel that reads several pgha topics dead-letters each
     * record to its own topic's {@code .dlq}. Other topics keep the channel's setting.
     */
    static Metadata deadLetterTopic(Message<?> message) {
        return Optional.ofNullable(topic(message))
                .flatMap(Topics::named)
                .map(topic -> Metadata.of(OutgoingKafkaRecordMetadata.builder()
                        .withTopic(topic.deadLetterTopic())
                        .build()))
                .orElse(Metadata.empty());
    }

    private static String topic(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getTopic)
                .orElse(null);
    }

    /** The {@code ce_type} header, or the type SmallRye parsed when the channel reads CloudEvents itself. */
    static Optional<String> ceType(Message<?> message) {
        Optional<String> fromHeader = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(kafka -> kafka.getHeaders().lastHeader(CloudEventHeaders.TYPE))
                .map(Header::value)
                .map(value -> new String(value, StandardCharsets.UTF_8));
        if (fromHeader.isPresent()) {
            return fromHeader;
        }
        return message.getMetadata(IncomingCloudEventMetadata.class).map(IncomingCloudEventMetadata::getType);
    }

    /** The {@code ce_source} header, or the source SmallRye parsed when the channel reads CloudEvents itself. */
    static Optional<String> ceSource(Message<?> message) {
        Optional<String> fromHeader = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(kafka -> kafka.getHeaders().lastHeader(CloudEventHeaders.SOURCE))
                .map(Header::value)
                .map(value -> new String(value, StandardCharsets.UTF_8));
        if (fromHeader.isPresent()) {
            return fromHeader;
        }
        return message.getMetadata(IncomingCloudEventMetadata.class)
                .map(IncomingCloudEventMetadata::getSource)
                .map(Object::toString);
    }

    private static String where(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(kafka -> kafka.getTopic() + "-" + kafka.getPartition() + "@" + kafka.getOffset())
                .orElse("a non-Kafka channel");
    }
}
