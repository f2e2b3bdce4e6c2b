package io.pgha.messaging;

import io.pgha.events.EventCodec;
import io.pgha.events.EventDecodingException;
import io.pgha.events.EventType;
import io.pgha.events.PghaEvent;
import io.pgha.events.Producers;
import java.util.Optional;

/**
 * What to do with one consumed record, decided from its {@code ce_type} and {@code ce_source} headers
 * and its body alone.
 */
public sealed interface IncomingDecision {
    /** A pgha event: hand it to the service. */
    record Process(PghaEvent event) implements IncomingDecision {}

    /**
     * A pgha event type this version does not know (added later within v1, or another major
     * version): skip it. Within v1 new types are an additive change, so they are not an error.
     */
    record Skip(String type) implements IncomingDecision {}

    /**
     * Cannot be parsed, or was published by a kind of service that does not publish its type
     * ({@link Producers}): send it to {@code <topic>.dlq} with {@code reason} and carry on.
     */
    record DeadLetter(String reason, EventDecodingException error) implements IncomingDecision {}

    /**
     * Decides for a record whose {@code ce_type} header is {@code ceType} and whose {@code ce_source}
     * header is {@code ceSource} (each null when absent). A record that does not parse is dead-lettered
     * for that; one that parses but whose source is not of the kind {@link Producers} names for its
     * type is dead-lettered naming the source seen and the kind expected.
     */
    static IncomingDecision decide(String ceType, String ceSource, byte[] body, EventCodec codec) {
        if (ceType != null
                && ceType.startsWith(EventType.TYPE_PREFIX)
                && EventType.byCeType(ceType).isEmpty()) {
            return new Skip(ceType);
        }
        PghaEvent event;
        try {
            event = codec.decode(ceType, body);
        } catch (EventDecodingException e) {
            return new DeadLetter(e.reason(), e);
        }
        Optional<String> wrongSource = Producers.problem(EventType.of(event), ceSource);
        if (wrongSource.isPresent()) {
            return new DeadLetter(wrongSource.get(), new EventDecodingException(wrongSource.get()));
        }
        return new Process(event);
    }
}
