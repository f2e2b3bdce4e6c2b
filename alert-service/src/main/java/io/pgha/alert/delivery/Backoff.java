package io.pgha.alert.delivery;

import java.time.Duration;

/**
 * How long a receiver's loop waits after {@code failures} failed attempts in a row: {@code initial},
 * doubling each time, never more than {@code max}. No jitter: every receiver has its own loop, and the
 * receivers are few.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial (" + initial + ") <= max (" + max + ")");
        }
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first); zero for none. */
    public Duration delay(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        Duration delay = initial;
        for (int i = 1; i < failures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) < 0 ? delay : max;
    }
}
