package io.pgha.messaging;

import io.pgha.events.EventCodec;
import io.pgha.events.EventDecodingException;
import io.pgha.events.EventType;
import io.pgha.events.PghaEvent;

/** What to do with one consumed record, decided from its {@code ce_type} header and body alone. */
public sealed interface IncomingDecision {
    /** A pgha event: hand it to the service. */
    record Process(PghaEvent event) implements IncomingDecision {}

    /**
     * A pgha event type this version does not know (added later within v1, or another major
     * version): skip it. Within v1 new types are an additive change, so they are not an error.
     */
    record Skip(String type) implements IncomingDecision {}

    /** Cannot be parsed: send it to {@code <topic>.dlq} with {@code reason} and carry on. */
    record DeadLetter(String reason, EventDecodingException error) implements IncomingDecision {}

    /** Decides for a record whose {@code ce_type} header is {@code ceType} (null when absent). */
    static IncomingDecision decide(String ceType, byte[] body, EventCodec codec) {
        if (ceType != null
                && ceType.startsWith(EventType.TYPE_PREFIX)
                && EventType.byCeType(ceType).isEmpty()) {
            return new Skip(ceType);
        }
        try {
            return new Process(codec.decode(ceType, body));
        } catch (EventDecodingException e) {
            return new DeadLetter(e.reason(), e);
        }
    }
}
