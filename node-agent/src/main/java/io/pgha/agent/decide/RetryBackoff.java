package io.pgha.agent.decide;

import java.time.Duration;

/**
 * When a failed clone or rewind may run again. It used to be retried on the next loop run (every
 * second, wiping the data directory each time) whatever the error. Now: after a retriable failure the
 * next attempt waits 1 s, after a permanent one 10 s, twice as long after each further failure of the
 * same kind, at most 60 s. Pure: times are monotonic nanos from the caller's clock.
 *
 * @param action what failed ({@code clone}, {@code rewind})
 * @param reason why, short and without secrets
 * @param permanent the failure needs an operator ({@link ToolErrors})
 * @param failures consecutive failures of {@code action}
 * @param nextAttemptNanos the monotonic instant before which {@code action} is not tried again
 */
public record RetryBackoff(String action, String reason, boolean permanent, int failures, long nextAttemptNanos) {
    public static final Duration FIRST_RETRIABLE = Duration.ofSeconds(1);
    public static final Duration FIRST_PERMANENT = Duration.ofSeconds(10);
    public static final Duration MAX = Duration.ofSeconds(60);

    /**
     * The back-off after {@code action} failed at {@code nowNanos} with {@code error}; {@code previous}
     * (null: none) counts only when it was the same action.
     */
    public static RetryBackoff after(RetryBackoff previous, String action, ToolErrors.Classified error, long nowNanos) {
        int failures = previous != null && previous.action.equals(action) ? previous.failures + 1 : 1;
        Duration wait = error.permanent() ? FIRST_PERMANENT : FIRST_RETRIABLE;
        for (int i = 1; i < failures && wait.compareTo(MAX) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(MAX) > 0) {
            wait = MAX;
        }
        return new RetryBackoff(action, error.reason(), error.permanent(), failures, nowNanos + wait.toNanos());
    }

    /** True when {@code candidate} may run at {@code nowNanos} (another action is never held back). */
    public boolean allows(String candidate, long nowNanos) {
        return !action.equals(candidate) || nowNanos - nextAttemptNanos >= 0;
    }

    /** Time until the next attempt, zero when due. */
    public Duration nextAttemptIn(long nowNanos) {
        long left = nextAttemptNanos - nowNanos;
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }
}
