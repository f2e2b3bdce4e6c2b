package io.pgha.local;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes; the only way local/ waits for anything. */
public final class Wait {
    private static final long POLL_MILLIS = 50;

    private Wait() {}

    /** A check that may throw: a thrown exception counts as "not yet" and is kept for the error message. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    /**
     * Waits until {@code check} holds, for at most {@code timeout}.
     *
     * @throws IllegalStateException naming {@code what} and the last failure when the deadline passes
     */
    public static void until(Duration timeout, String what, Check check) {
        until(timeout, what, check, () -> true);
    }

    /**
     * Like {@link #until(Duration, String, Check)}, but gives up at once when {@code stillPossible} turns
     * false (say, the process that should become ready has exited).
     */
    public static void until(Duration timeout, String what, Check check, BooleanSupplier stillPossible) {
        until(timeout, Duration.ofMillis(POLL_MILLIS), what, check, stillPossible);
    }

    /**
     * Like {@link #until(Duration, String, Check)}, checking every {@code poll} (a benchmark that
     * measures when something happens polls tighter than the default).
     */
    public static void until(Duration timeout, Duration poll, String what, Check check) {
        until(timeout, poll, what, check, () -> true);
    }

    private static void until(
            Duration timeout, Duration poll, String what, Check check, BooleanSupplier stillPossible) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (!stillPossible.getAsBoolean()) {
                throw new IllegalStateException(what + ": gave up, it can no longer happen" + lastFailure(last));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        what + ": not reached within " + timeout.toMillis() + " ms" + lastFailure(last));
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(what + ": interrupted while waiting", e);
            }
        }
    }

    private static String lastFailure(Exception last) {
        return last == null ? "" : " (last failure: " + last + ")";
    }
}
