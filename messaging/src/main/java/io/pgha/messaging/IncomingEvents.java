package io.pgha.messaging;

import io.pgha.events.CloudEventHeaders;
import io.pgha.events.EventCodec;
import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
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
 * A record that parses is handed over and acknowledged; a pgha type this version does not know is
 * acknowledged and skipped; a record that does not parse (or whose handler throws) is nacked, so
 * the channel's {@code dead-letter-queue} failure strategy writes it, with its original headers and
 * the reason, to {@code <topic>.dlq}, and the channel carries on. {@link ConsumerChannelCheck} makes
 * sure every channel on a pgha topic is configured that way.
 */
@ApplicationScoped
public class IncomingEvents {
    private static final Logger LOG = Logger.getLogger(IncomingEvents.class);

    private final EventCodec codec = new EventCodec();

    /** Decides what {@code message} is, then acks, skips or nacks it as above. */
    public CompletionStage<Void> handle(Message<byte[]> message, EventHandler handler) {
        String ceType = ceType(message).orElse(null);
        IncomingDecision decision = IncomingDecision.decide(ceType, message.getPayload(), codec);
        if (decision instanceof IncomingDecision.Process process) {
            try {
                handler.handle(process.event());
            } catch (Exception e) {
                LOG.warnf(
                        "handling %s (subject %s) from %s failed, sending it to the dead-letter topic: %s",
                        ceType, process.event().subject(), where(message), e.toString());
                return message.nack(e);
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
        LOG.warnf("unparseable record from %s, sending it to the dead-letter topic: %s", where(message), dead.reason());
        return message.nack(dead.error());
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

    private static String where(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(kafka -> kafka.getTopic() + "-" + kafka.getPartition() + "@" + kafka.getOffset())
                .orElse("a non-Kafka channel");
    }
}
