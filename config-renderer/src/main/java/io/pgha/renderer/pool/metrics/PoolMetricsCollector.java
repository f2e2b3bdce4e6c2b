package io.pgha.renderer.pool.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Reads each cluster's PgBouncer admin console and hands the result to {@link PoolMeters}. One
 * {@link #collect()} reads every console once; a console that cannot be reached or answers something
 * unreadable makes {@code pgha_pool_up} 0 (logged once when it starts and once when it ends), never an
 * error on the metrics endpoint. Every snapshot read is also handed to a {@link SnapshotSink} (the
 * {@link PoolUsagePublisher}, when readings are published).
 */
public final class PoolMetricsCollector {
    private static final Logger LOG = Logger.getLogger(PoolMetricsCollector.class);

    private final Map<String, AdminConsole> consoles;
    private final PoolMeters meters;
    private final SnapshotSink sink;
    private final Clock clock;
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

    /** Hears of every snapshot read. */
    @FunctionalInterface
    public interface SnapshotSink {
        /** {@code cluster}'s PgBouncer answered {@code snapshot} at {@code at}. */
        void read(String cluster, PoolSnapshot snapshot, Instant at);
    }

    /** @param consoles the admin console of each cluster's PgBouncer, by cluster */
    public PoolMetricsCollector(Map<String, AdminConsole> consoles, PoolMeters meters) {
        this(consoles, meters, (cluster, snapshot, at) -> {}, Clock.systemUTC());
    }

    /**
     * @param consoles the admin console of each cluster's PgBouncer, by cluster
     * @param sink hears of every snapshot read, after the meters
     * @param clock stamps each read
     */
    public PoolMetricsCollector(Map<String, AdminConsole> consoles, PoolMeters meters, SnapshotSink sink, Clock clock) {
        this.consoles = Map.copyOf(consoles);
        this.meters = meters;
        this.sink = sink;
        this.clock = clock;
    }

    /** Reads every console once. */
    public void collect() {
        consoles.forEach(this::collect);
    }

    private void collect(String cluster, AdminConsole console) {
        PoolSnapshot snapshot;
        try {
            snapshot = AdminConsoleRows.snapshot(console.read(AdminConsoleRows.COMMANDS));
        } catch (Exception e) {
            meters.unreachable(cluster);
            if (failing.put(cluster, true) == null) {
                log(
                        cluster,
                        Logger.Level.WARN,
                        "cannot read " + console.describe() + " (" + e.getMessage()
                                + "): pgha_pool_up is 0 until it answers");
            }
            return;
        }
        meters.read(cluster, snapshot);
        try {
            sink.read(cluster, snapshot, clock.instant());
        } catch (RuntimeException e) {
            log(cluster, Logger.Level.WARN, "handing the pool snapshot on failed: " + e);
        }
        if (failing.remove(cluster) != null) {
            log(cluster, Logger.Level.INFO, console.describe() + " answers again");
        }
    }

    private static void log(String cluster, Logger.Level level, String message) {
        MDC.put("cluster", cluster);
        LOG.log(level, message);
        MDC.remove("cluster");
    }
}
