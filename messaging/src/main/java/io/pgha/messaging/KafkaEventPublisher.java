package io.pgha.messaging;

import io.pgha.events.CloudEventEnvelope;
import io.pgha.events.CloudEventHeaders;
import io.pgha.events.EventCodec;
import io.pgha.events.EventSource;
import io.pgha.events.PghaEvent;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * The {@link EventPublisher} of every service: decides the envelope ({@link CloudEventEnvelope}:
 * topic, key, CloudEvent attributes, JSON body), then hands it to SmallRye Reactive Messaging on the
 * channel {@value #CHANNEL}, whose Kafka connector writes the attributes as {@code ce_} headers.
 */
@ApplicationScoped
public class KafkaEventPublisher implements EventPublisher {
    /** The outgoing channel; pgha-messaging configures it (see META-INF/microprofile-config.properties). */
    public static final String CHANNEL = "pgha-events";

    private static final Logger LOG = Logger.getLogger(KafkaEventPublisher.class);

    private final Emitter<byte[]> emitter;
    private final EventSource source;
    private final EventCodec codec = new EventCodec();

    @Inject
    public KafkaEventPublisher(@Channel(CHANNEL) Emitter<byte[]> emitter, MessagingConfig config) {
        this.emitter = emitter;
        this.source = new EventSource(
                EventSource.sanitize(config.service()),
                EventSource.sanitize(config.instance().orElseGet(KafkaEventPublisher::hostName)));
    }

    /** The source this instance stamps on its events. */
    public EventSource source() {
        return source;
    }

    @Override
    public CompletionStage<Void> publish(PghaEvent event) {
        CloudEventEnvelope envelope = CloudEventEnvelope.of(event, source, codec);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Message<byte[]> message = Message.of(envelope.data(), metadata(envelope))
                .withAck(() -> {
                    sent.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    LOG.warnf(
                            "could not publish %s (subject %s) to %s: %s",
                            envelope.type(), envelope.subject(), envelope.topic(), failure.getMessage());
                    sent.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            // Buffer full or channel terminated: say so to the caller rather than throwing at it.
            sent.completeExceptionally(e);
        }
        return sent;
    }

    static Metadata metadata(CloudEventEnvelope envelope) {
        OutgoingCloudEventMetadata<Object> cloudEvent = OutgoingCloudEventMetadata.builder()
                .withSpecVersion(CloudEventHeaders.SPEC_VERSION_VALUE)
                .withId(envelope.id())
                .withSource(envelope.source())
                .withType(envelope.type())
                .withSubject(envelope.subject())
                .withTimestamp(envelope.time().atZone(ZoneOffset.UTC))
                .withDataContentType(CloudEventHeaders.CONTENT_TYPE_VALUE)
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(envelope.topic())
                .withKey(envelope.key())
                .build();
        return Metadata.of(cloudEvent, kafka);
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
