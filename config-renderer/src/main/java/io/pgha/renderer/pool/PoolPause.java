package io.pgha.renderer.pool;

import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Duration;
import java.time.Instant;

/**
 * When the read-write pools pause and resume around a planned switchover (pure).
 *
 * <p>The coordinator publishes {@code SwitchoverStarted} (epoch N = the old leader's key revision)
 * before it lets the leader hand over, and waits, bounded, until every pooling renderer reports "paused
 * for epoch N". The pools PAUSE (running transactions finish, new ones wait in PgBouncer), and RESUME as
 * soon as HAProxy routes by a topology of a later epoch whose leader is another member (the new
 * primary), when the switchover failed, or after {@code max-pause} at the latest: clients are never
 * held longer than that.
 */
public final class PoolPause {
    private PoolPause() {}

    /** The pools' state: running, or paused for the switchover that started at {@code epoch}. */
    public record State(boolean paused, long epoch, String oldLeader, Instant since) {
        public static final State RUNNING = new State(false, -1, null, null);

        static State pausedFor(long epoch, String oldLeader, Instant since) {
            return new State(true, epoch, oldLeader, since);
        }
    }

    /** What to do: nothing, PAUSE, or RESUME, with the state after it and why. */
    public enum Action {
        NONE,
        PAUSE,
        RESUME
    }

    public record Decision(Action action, State next, String reason) {
        static Decision none(State state) {
            return new Decision(Action.NONE, state, "");
        }
    }

    /**
     * A switchover of {@code cluster} started at epoch {@code epoch} with leader {@code leader}, announced
     * at {@code occurredAt}. Paused unless it is another cluster's, older than {@code maxPause} (a
     * replay), or not newer than what HAProxy routes by.
     */
    public static Decision switchoverStarted(
            State state,
            String poolCluster,
            String cluster,
            long epoch,
            String leader,
            Instant occurredAt,
            long routedEpoch,
            Instant now,
            Duration maxPause) {
        if (!poolCluster.equals(cluster)) {
            return Decision.none(state);
        }
        if (occurredAt.plus(maxPause).isBefore(now)) {
            return Decision.none(state); // a replayed or late announcement: its switchover is over
        }
        if (epoch < routedEpoch) {
            return Decision.none(state); // HAProxy already routes by a later leader
        }
        if (state.paused() && state.epoch() == epoch) {
            return Decision.none(state); // announced twice: already paused for it
        }
        return new Decision(
                Action.PAUSE,
                State.pausedFor(epoch, leader, now),
                "switchover of " + cluster + " from " + leader + " started at epoch " + epoch);
    }

    /** HAProxy now routes by {@code routed}: resume once it names a new leader at a later epoch. */
    public static Decision routed(State state, TopologyChanged routed) {
        if (!state.paused() || routed.epoch() <= state.epoch()) {
            return Decision.none(state);
        }
        if (routed.leader() == null || routed.leader().equals(state.oldLeader())) {
            return Decision.none(state); // leaderless while the old primary hands over
        }
        return new Decision(
                Action.RESUME,
                State.RUNNING,
                "the new primary " + routed.leader() + " is routed (epoch " + routed.epoch() + ")");
    }

    /** The switchover of {@code cluster} failed or was abandoned: resume. */
    public static Decision switchoverFailed(State state, String poolCluster, String cluster) {
        if (!state.paused() || !poolCluster.equals(cluster)) {
            return Decision.none(state);
        }
        return new Decision(Action.RESUME, State.RUNNING, "the switchover of " + cluster + " failed");
    }

    /** Time passes: resume once the pools have been paused for {@code maxPause}. */
    public static Decision tick(State state, Instant now, Duration maxPause) {
        if (!state.paused() || now.isBefore(state.since().plus(maxPause))) {
            return Decision.none(state);
        }
        return new Decision(
                Action.RESUME,
                State.RUNNING,
                "paused for pgha.renderer.pool.max-pause (" + maxPause.toMillis() + " ms) without the new primary"
                        + " being routed: resuming, clients may see errors");
    }
}
