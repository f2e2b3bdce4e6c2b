package io.pgha.messaging;

import io.pgha.events.PghaEvent;
import java.util.concurrent.CompletionStage;

/**
 * Publishes pgha events: each on its topic, with its Kafka key and as a CloudEvent in binary mode.
 * Inject it; tests of logic use an in-memory version.
 */
public interface EventPublisher {
    /**
     * Sends {@code event}. The stage completes when the broker has acknowledged the record and fails
     * when it could not be sent (the caller decides whether to retry; events are facts, never orders).
     */
    CompletionStage<Void> publish(PghaEvent event);
}
