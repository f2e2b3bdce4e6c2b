package io.pgha.messaging;

import io.pgha.events.PghaEvent;

/** What a service does with one consumed event; a thrown exception sends the record to the DLQ. */
@FunctionalInterface
public interface EventHandler {
    void handle(PghaEvent event) throws Exception;
}
