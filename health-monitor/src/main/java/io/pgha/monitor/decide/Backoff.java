package io.pgha.monitor.decide;

import io.pgha.events.NodeHealthEvent.ErrorClass;
import java.time.Duration;
import java.time.Instant;

/**
 * When a member may be probed again. A configuration error (authentication failed) or a server out
 * of connection slots is not fixed by asking again every second: after such a failure the next
 * probe waits {@code initial}, then twice as long after each further one, up to {@code max}. Any
 * other outcome (success, refused, timeout) probes again on the next round. Pure.
 *
 * @param failures consecutive failures that back off
 * @param nextAttempt the earliest time of the next probe
 */
public record Backoff(int failures, Instant nextAttempt) {
    /** No back-off: probe on every round. */
    public static final Backoff NONE = new Backoff(0, Instant.EPOCH);

    /** True when a probe may run at {@code now}. */
    public boolean due(Instant now) {
        return !now.isBefore(nextAttempt);
    }

    /** True while backing off. */
    public boolean active() {
        return failures > 0;
    }

    /** True for the classes that back off. */
    public static boolean backsOff(ErrorClass errorClass) {
        return errorClass == ErrorClass.AUTHENTICATION || errorClass == ErrorClass.TOO_MANY_CONNECTIONS;
    }

    /**
     * The back-off after a probe that finished at {@code at} with {@code outcome} (null: success).
     */
    public Backoff after(ErrorClass outcome, Instant at, Duration initial, Duration max) {
        if (outcome == null || !backsOff(outcome)) {
            return NONE;
        }
        int next = failures + 1;
        Duration wait = initial;
        for (int i = 1; i < next && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(max) > 0) {
            wait = max;
        }
        return new Backoff(next, at.plus(wait));
    }
}
