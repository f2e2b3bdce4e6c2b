package io.pgha.agent.wal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;

/** The archiver's Prometheus metrics: what alerts on archiving falling behind or failing read. */
public final class ArchiveMetrics {
    private ArchiveMetrics() {}

    public static void register(MeterRegistry registry, ArchivePusher pusher) {
        Gauge.builder("pgha_archive_last_archived_age_seconds", pusher, ArchiveMetrics::age)
                .description("seconds since a WAL file was last archived by this agent (-1: none yet)")
                .register(registry);
        Gauge.builder("pgha_archive_queue_length", pusher, ArchivePusher::queued)
                .description("WAL files PostgreSQL has marked ready and that are not archived yet")
                .register(registry);
        FunctionCounter.builder("pgha_archive_archived", pusher, ArchivePusher::archivedCount)
                .description("WAL files archived (or found already archived) since the agent started")
                .register(registry);
        FunctionCounter.builder("pgha_archive_failures", pusher, ArchivePusher::failedCount)
                .description("failed WAL pushes (repository errors and conflicts) since the agent started")
                .register(registry);
    }

    private static double age(ArchivePusher pusher) {
        Instant last = pusher.lastArchivedAt();
        return last == null ? -1 : Duration.between(last, Instant.now()).toMillis() / 1000.0;
    }
}
