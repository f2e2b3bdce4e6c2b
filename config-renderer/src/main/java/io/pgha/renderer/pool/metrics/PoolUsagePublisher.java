package io.pgha.renderer.pool.metrics;

import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import io.pgha.messaging.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Publishes each read's pool readings on {@code pgha.node-health} as {@link PoolReadings} decides. A
 * reading whose send fails is not counted as published, so the next read sends its pool again.
 * Pools refused for their names are logged once each. Called on the pool-metrics thread only.
 */
public final class PoolUsagePublisher {
    private static final Logger LOG = Logger.getLogger(PoolUsagePublisher.class);

    private record Pool(String cluster, String database, String user) {}

    private record Published(PoolUsageObserved reading, Instant at) {}

    private final String pooler;
    private final Duration heartbeat;
    private final EventPublisher publisher;
    private final Map<Pool, Published> published = new ConcurrentHashMap<>();
    private final Set<String> refusedLogged = ConcurrentHashMap.newKeySet();
    private volatile boolean failing;

    /**
     * @param pooler the name this renderer's readings carry (a valid member-like name)
     * @param heartbeat publish an unchanged pool at least this often
     */
    public PoolUsagePublisher(String pooler, Duration heartbeat, EventPublisher publisher) {
        this.pooler = pooler;
        this.heartbeat = heartbeat;
        this.publisher = publisher;
    }

    /** The snapshot of {@code cluster}'s PgBouncer, read at {@code at}. */
    public void read(String cluster, PoolSnapshot snapshot, Instant at) {
        PoolReadings.Read read = PoolReadings.of(cluster, pooler, snapshot, at);
        read.refused().forEach(reason -> {
            if (refusedLogged.add(cluster + ":" + reason)) {
                log(cluster, Logger.Level.WARN, "not published (the name cannot be an alert label): " + reason);
            }
        });
        for (PoolUsageObserved reading : read.readings()) {
            Pool pool = new Pool(cluster, reading.database(), reading.user());
            Published last = published.get(pool);
            if (PoolReadings.decide(
                            last == null ? null : last.reading(), last == null ? null : last.at(), reading, heartbeat)
                    .isPresent()) {
                send(pool, reading, at);
            }
        }
        forgetGone(cluster, read.readings());
    }

    private void send(Pool pool, PoolUsageObserved reading, Instant at) {
        published.put(pool, new Published(reading, at));
        publisher.publish(reading).whenComplete((ok, failure) -> {
            if (failure != null) {
                published.remove(pool, new Published(reading, at)); // sent again at the next read
                if (!failing) {
                    failing = true;
                    log(
                            pool.cluster(),
                            Logger.Level.WARN,
                            "cannot publish pool readings on pgha.node-health (" + failure.getMessage()
                                    + "); retrying at every read");
                }
            } else if (failing) {
                failing = false;
                log(pool.cluster(), Logger.Level.INFO, "pool readings are published again");
            }
        });
    }

    /** Pools no longer shown (PgBouncer dropped them) are forgotten: a new one starts as FIRST. */
    private void forgetGone(String cluster, List<PoolUsageObserved> readings) {
        Set<Pool> shown = ConcurrentHashMap.newKeySet();
        readings.forEach(r -> shown.add(new Pool(cluster, r.database(), r.user())));
        published.keySet().removeIf(p -> p.cluster().equals(cluster) && !shown.contains(p));
    }

    private static void log(String cluster, Logger.Level level, String message) {
        MDC.put("cluster", cluster);
        LOG.log(level, message);
        MDC.remove("cluster");
    }
}
