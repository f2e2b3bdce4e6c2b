package io.pgha.backup.run;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** backup-service's gauges, one set per cluster, read from its {@link ClusterStats} (NaN when unknown). */
final class Metrics {
    private final MeterRegistry registry;
    private final Clock clock;

    Metrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    void register(String cluster, Supplier<ClusterStats> stats) {
        gauge(
                "pgha_backup_last_success_age_seconds",
                "Seconds since the newest complete base backup stopped",
                cluster,
                stats,
                s -> s.lastComplete() == null || s.lastComplete().completedAt() == null
                        ? Double.NaN
                        : Duration.between(s.lastComplete().completedAt(), clock.instant())
                                        .toMillis()
                                / 1000.0);
        gauge(
                "pgha_backup_last_duration_seconds",
                "How long the newest complete base backup took",
                cluster,
                stats,
                s -> s.lastComplete() == null ? Double.NaN : s.lastDurationSeconds());
        gauge(
                "pgha_backup_last_size_bytes",
                "Size of the newest complete base backup in the repository",
                cluster,
                stats,
                s -> s.lastComplete() == null ? Double.NaN : s.lastComplete().storedSize());
        gauge("pgha_backup_running", "1 while a base backup runs", cluster, stats, s -> s.running() == null ? 0 : 1);
        gauge(
                "pgha_backup_last_failed",
                "1 when the last base backup failed and none completed since",
                cluster,
                stats,
                s -> s.lastFailure() == null ? 0 : 1);
        gauge(
                "pgha_backup_drill_rto_seconds",
                "Restore plus replay time of the last successful restore drill",
                cluster,
                stats,
                s -> s.drill() == null || s.drill().rtoSeconds() == null
                        ? Double.NaN
                        : s.drill().rtoSeconds());
        gauge(
                "pgha_backup_drill_rpo_seconds",
                "Age of the newest heartbeat recovered by the last restore drill",
                cluster,
                stats,
                s -> s.drill() == null || s.drill().rpoSeconds() == null
                        ? Double.NaN
                        : s.drill().rpoSeconds());
        gauge(
                "pgha_backup_drill_success",
                "1 when the last restore drill passed, 0 when it failed",
                cluster,
                stats,
                s -> s.drill() == null ? Double.NaN : s.drill().ok() ? 1 : 0);
        gauge(
                "pgha_backup_wal_archive_queued",
                "WAL files the primary has not archived yet",
                cluster,
                stats,
                s -> s.archive() == null ? Double.NaN : s.archive().queued());
        gauge(
                "pgha_backup_wal_archive_failed_total",
                "Failed WAL pushes reported by the primary's archiver",
                cluster,
                stats,
                s -> s.archive() == null ? Double.NaN : s.archive().failedCount());
    }

    private void gauge(
            String name,
            String help,
            String cluster,
            Supplier<ClusterStats> stats,
            ToDoubleFunction<ClusterStats> value) {
        Gauge.builder(name, stats, s -> value.applyAsDouble(s.get()))
                .description(help)
                .tag("cluster", cluster)
                .strongReference(true)
                .register(registry);
    }
}
