package io.pgha.backup.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<ClusterStats> stats = new AtomicReference<>(ClusterStats.EMPTY);

    MetricsTest() {
        new Metrics(registry, Clock.systemUTC()).register("c1", stats::get);
    }

    @Test
    void lastFailedIsOneFromAFailedBackupUntilOneCompletes() {
        assertThat(lastFailed()).isZero();

        stats.set(stats.get().withFailure("pg_basebackup exited with 1"));
        assertThat(lastFailed()).isEqualTo(1);

        stats.set(stats.get().withComplete(null, 12.5));
        assertThat(lastFailed()).isZero();
    }

    private double lastFailed() {
        return registry.get("pgha_backup_last_failed")
                .tag("cluster", "c1")
                .gauge()
                .value();
    }
}
