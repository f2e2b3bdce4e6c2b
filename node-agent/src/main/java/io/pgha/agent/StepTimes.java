package io.pgha.agent;

import io.pgha.agent.decide.MonotonicClock;

/**
 * How long each step of a multi-step action took, for its log line: "checkpoint 412 ms, shutdown
 * checkpoint 95 ms, ..." (each step timed from the end of the one before). A planned handover and a
 * promotion log theirs, so a slow switchover can be read step by step from the agents' logs.
 */
final class StepTimes {
    private final MonotonicClock clock;
    private final StringBuilder done = new StringBuilder();
    private long last;

    StepTimes(MonotonicClock clock) {
        this.clock = clock;
        this.last = clock.nanoTime();
    }

    /** {@code step} ended now. */
    void done(String step) {
        long now = clock.nanoTime();
        done.append(done.length() == 0 ? "" : ", ")
                .append(step)
                .append(' ')
                .append((now - last) / 1_000_000)
                .append(" ms");
        last = now;
    }

    @Override
    public String toString() {
        return done.toString();
    }
}
