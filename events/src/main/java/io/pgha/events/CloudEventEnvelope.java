package io.pgha.events;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Everything that goes on the wire for one event, decided before anything is sent: topic, Kafka
 * key, CloudEvent attributes and the JSON body.
 */
public record CloudEventEnvelope(
        String topic, String key, String id, URI source, String type, String subject, Instant time, byte[] data) {

    /** The envelope of {@code event}, published by {@code source}, with a new random id. */
    public static CloudEventEnvelope of(PghaEvent event, EventSource source, EventCodec codec) {
        return of(event, source, UUID.randomUUID().toString(), codec);
    }

    /** The envelope of {@code event} with the given id. */
    public static CloudEventEnvelope of(PghaEvent event, EventSource source, String id, EventCodec codec) {
        return new CloudEventEnvelope(
                Topics.of(event).name(),
                event.key(),
                id,
                source.uri(),
                EventType.of(event).ceType(),
                event.subject(),
                event.occurredAt(),
                codec.encode(event));
    }

    /** The binary-mode Kafka headers ({@link CloudEventHeaders}), for producers that set them by hand. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        headers.put(CloudEventHeaders.ID, id);
        headers.put(CloudEventHeaders.SOURCE, source.toString());
        headers.put(CloudEventHeaders.TYPE, type);
        headers.put(CloudEventHeaders.SUBJECT, subject);
        headers.put(CloudEventHeaders.TIME, time.toString());
        headers.put(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.CONTENT_TYPE_VALUE);
        return headers;
    }
}
