package io.pgha.agent;

import io.pgha.agent.decide.MonotonicClock;
import io.pgha.agent.pg.PostgresControl;
import io.pgha.agent.pg.Upstream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starting and stopping the postmaster with the on_start/on_stop callbacks (on_stop follows every
 * on_start, even when PostgreSQL went down by itself first). Callers hold the agent's PostgreSQL lock.
 */
final class PgProcess {
    private final PostgresControl pg;
    private final MonotonicClock clock;
    private final Consumer<String> onStart;
    private final Consumer<String> onStop;
    private volatile boolean configuredStandby;
    private volatile boolean startReported;

    PgProcess(PostgresControl pg, MonotonicClock clock, Consumer<String> onStart, Consumer<String> onStop) {
        this.pg = pg;
        this.clock = clock;
        this.onStart = onStart;
        this.onStop = onStop;
    }

    PostgresControl pg() {
        return pg;
    }

    void configure(boolean standby, Optional<Upstream> upstream) {
        pg.configure(standby, upstream);
        configuredStandby = standby;
    }

    void start() {
        boolean wasRunning = pg.running();
        pg.start();
        if (!wasRunning && pg.running()) {
            startReported = true;
            onStart.accept(configuredStandby ? "replica" : "primary");
        }
    }

    /** Fast shutdown, immediate after {@code fastTimeout}; {@code role} is what on_stop is told. */
    void stop(Duration fastTimeout, String role) {
        boolean report = pg.running() || startReported;
        pg.stop(fastTimeout);
        if (report) {
            startReported = false;
            onStop.accept(role);
        }
    }

    /** Waits until PostgreSQL accepts connections, at most {@code timeout}; throws if it exits. */
    void awaitAccepting(Duration timeout) {
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (!pg.probe().accepting()) {
            if (!pg.running()) {
                throw new IllegalStateException("PostgreSQL exited while starting (see postgresql.log)");
            }
            if (clock.nanoTime() - deadline > 0) {
                return;
            }
            pause(Duration.ofMillis(100));
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
