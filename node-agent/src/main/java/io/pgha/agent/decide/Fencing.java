package io.pgha.agent.decide;

import java.time.Duration;

/**
 * When a primary that cannot renew its lease must demote: at {@code last successful renewal sent + ttl
 * - safety margin}, on a monotonic clock. The lease started no earlier than the renewal was sent, so
 * etcd cannot expire it (and the coordinator cannot promote anyone) before {@code sent + ttl}; the
 * margin is the time the demotion itself may take.
 */
public record Fencing(Duration ttl, Duration safetyMargin) {
    public Fencing {
        if (safetyMargin.isNegative() || safetyMargin.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("pgha.fencing.safety-margin (" + safetyMargin.toMillis()
                    + " ms) must be at least 0 and less than ttl (" + ttl.toMillis() + " ms)");
        }
    }

    /** The monotonic instant (nanos) by which a primary must have started to demote. */
    public long deadlineNanos(long lastRenewalSentNanos) {
        return lastRenewalSentNanos + ttl.minus(safetyMargin).toNanos();
    }

    /** True once {@code nowNanos} has reached the deadline (overflow-safe comparison). */
    public boolean mustDemote(long nowNanos, long lastRenewalSentNanos) {
        return nowNanos - deadlineNanos(lastRenewalSentNanos) >= 0;
    }

    /** Time left before the deadline, zero when passed. */
    public Duration remaining(long nowNanos, long lastRenewalSentNanos) {
        long left = deadlineNanos(lastRenewalSentNanos) - nowNanos;
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }
}
