package io.pgha.agent.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A restart stored by {@code POST /restart {"schedule": ...}} and whether the agent's loop carries it
 * out now (Patroni's {@code evaluate_scheduled_restart} and {@code should_run_scheduled_action}). Pure.
 *
 * @param request what was asked for, with its schedule
 * @param postmasterStart PostgreSQL's start time when it was scheduled (null: not running then)
 */
public record ScheduledRestart(RestartRequest request, Instant postmasterStart) {
    /** A due restart found later than this (or 3 x loop_wait, whichever is longer) is dropped as stale. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(30);

    public ScheduledRestart {
        Objects.requireNonNull(request);
        if (request.schedule().isEmpty()) {
            throw new IllegalArgumentException("a scheduled restart needs a schedule");
        }
    }

    /** What the loop does with a scheduled restart this run. */
    public enum Due {
        /** Not yet (or paused: Patroni runs no scheduled action while paused). */
        WAIT,
        /** Now: restart if the request's conditions hold, then forget it. */
        RUN,
        /** PostgreSQL restarted since it was scheduled (another start time): forget it. */
        RESTARTED_SINCE,
        /** Found too late (the loop was blocked): forget it rather than restart at a surprising time. */
        STALE
    }

    public Instant at() {
        return request.schedule().orElseThrow().toInstant();
    }

    /**
     * Seen at {@code now} with PostgreSQL started at {@code postmasterStartNow} (null: not running), the
     * dynamic config's {@code paused} and {@code loopWait}.
     */
    public Due due(Instant now, Instant postmasterStartNow, boolean paused, Duration loopWait) {
        if (postmasterStart != null && postmasterStartNow != null && !postmasterStart.equals(postmasterStartNow)) {
            return Due.RESTARTED_SINCE;
        }
        if (paused || now.isBefore(at())) {
            return Due.WAIT;
        }
        Duration late = Duration.between(at(), now);
        Duration stale = loopWait.multipliedBy(3).compareTo(STALE_AFTER) > 0 ? loopWait.multipliedBy(3) : STALE_AFTER;
        return late.compareTo(stale) > 0 ? Due.STALE : Due.RUN;
    }
}
