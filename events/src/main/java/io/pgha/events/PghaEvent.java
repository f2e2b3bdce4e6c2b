package io.pgha.events;

import java.time.Instant;

/**
 * Every event pgha publishes: one sealed interface per Kafka topic, each a closed set of records.
 * The record's simple name gives its CloudEvent type ({@link EventType#ceType()}), the interface its
 * topic ({@link Topic#of(PghaEvent)}).
 */
public sealed interface PghaEvent permits NodeHealthEvent, ElectionEvent, TopologyEvent, BackupEvent, AlertEvent {
    /** The PostgreSQL cluster the event is about (Patroni's {@code scope}). */
    String cluster();

    /** When it happened (the CloudEvent {@code time}). */
    Instant occurredAt();

    /** The CloudEvent {@code subject}: {@code <cluster>} or {@code <cluster>/<member>}. */
    String subject();

    /** The Kafka record key, as its topic's {@link Topic#keyForm()} says. */
    String key();
}
