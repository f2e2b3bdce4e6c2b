package io.pgha.renderer.pool.metrics;

import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What of one admin console read goes on {@code pgha.node-health}, and when. Pure.
 *
 * <p>{@link #of} turns a {@link PoolSnapshot} into one {@link PoolUsageObserved} per pool, leaving out
 * the admin console's own {@code pgbouncer} pool (no server connections, never waits) and any pool
 * whose database or user could not be an alert label (the event refuses it: control characters, over
 * 63 bytes), which is reported instead.
 *
 * <p>{@link #decide} publishes a pool's reading at every read while clients wait (alert-service's
 * saturation hold is judged on these readings), at the first read after they stopped (so the alert
 * resolves at once), when the pool's size changes, and otherwise as a heartbeat. At most one event
 * per pool per read, so the rate is bounded by pools / read interval while every pool waits and by
 * pools / heartbeat while none does.
 */
public final class PoolReadings {
    /** The admin console's own pool. */
    static final String ADMIN_DATABASE = "pgbouncer";

    /** Why a reading is published. */
    public enum Reason {
        FIRST,
        WAITING,
        STOPPED_WAITING,
        POOL_SIZE,
        HEARTBEAT
    }

    /**
     * The readings of one read, and the pools left out for their names.
     *
     * @param readings one per pool
     * @param refused per pool left out, why
     */
    public record Read(List<PoolUsageObserved> readings, List<String> refused) {}

    private PoolReadings() {}

    /** The readings of {@code snapshot}, read at {@code at} from pooler {@code pooler} of {@code cluster}. */
    public static Read of(String cluster, String pooler, PoolSnapshot snapshot, Instant at) {
        List<PoolUsageObserved> readings = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (PoolUsage p : snapshot.pools()) {
            if (ADMIN_DATABASE.equals(p.database())) {
                continue;
            }
            try {
                readings.add(new PoolUsageObserved(
                        cluster,
                        pooler,
                        p.database(),
                        p.user(),
                        at,
                        p.clientsActive(),
                        p.clientsWaiting(),
                        p.maxWaitSeconds(),
                        p.servers().total(),
                        p.poolSize() < 0 ? null : p.poolSize()));
            } catch (IllegalArgumentException e) {
                refused.add("pool " + printable(p.database()) + "/" + printable(p.user()) + ": " + e.getMessage());
            }
        }
        return new Read(readings, refused);
    }

    /**
     * @param last the last reading published for the pool, null when none
     * @param lastPublishedAt when it was published
     * @param next this read's reading
     * @param heartbeat publish at least this often
     * @return why to publish {@code next}, or empty
     */
    public static Optional<Reason> decide(
            PoolUsageObserved last, Instant lastPublishedAt, PoolUsageObserved next, Duration heartbeat) {
        if (last == null) {
            return Optional.of(Reason.FIRST);
        }
        if (next.clientsWaiting() > 0) {
            return Optional.of(Reason.WAITING);
        }
        if (last.clientsWaiting() > 0) {
            return Optional.of(Reason.STOPPED_WAITING);
        }
        if (!Objects.equals(last.poolSize(), next.poolSize())) {
            return Optional.of(Reason.POOL_SIZE);
        }
        if (!next.observedAt().isBefore(lastPublishedAt.plus(heartbeat))) {
            return Optional.of(Reason.HEARTBEAT);
        }
        return Optional.empty();
    }

    private static String printable(String name) {
        if (name == null) {
            return "(none)";
        }
        String shown = name.codePoints()
                .limit(40)
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return "'" + shown + (name.codePointCount(0, name.length()) > 40 ? "...'" : "'");
    }
}
