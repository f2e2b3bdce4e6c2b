package io.pgha.renderer.pool;

import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Duration;
import java.time.Instant;

/**
 * When the read-write pools pause and resume (pure): around a planned switchover, and when the primary
 * is lost.
 *
 * <p>Planned: the coordinator publishes {@code SwitchoverStarted} (epoch N = the old leader's key
 * revision) before it lets the leader hand over, and waits, bounded, until every pooling renderer
 * reports "paused for epoch N". The pools PAUSE (running transactions finish, new ones wait in
 * PgBouncer), and RESUME as soon as HAProxy routes by a topology of a later epoch whose leader is another
 * member (the new primary), when the switchover failed, or after {@code max-pause} at the latest.
 *
 * <p>Unplanned: when HAProxy's read-write backend, which had a server up, has none (its checks marked
 * the primary down, ~{@code fall × inter} after the loss), the pools PAUSE so that the clients' next
 * transactions and logins wait in PgBouncer instead of failing at once on {@code server_login_retry}
 * ("server login has been failing"); they RESUME when the backend has a server up again (the new primary,
 * or the old one restarted), when a topology names a new leader, or after {@code max-failover-pause}.
 * After that, only a backend seen up again can pause them again: a cluster without primary is not paused
 * forever in steps.
 */
public final class PoolPause {
    private PoolPause() {}

    /** Why the pools are paused. */
    public enum Cause {
        /** A planned switchover announced by the coordinator. */
        SWITCHOVER,
        /** HAProxy's read-write backend lost its last server. */
        PRIMARY_LOST
    }

    /**
     * The pools' state: running, or paused since {@code since} for {@code cause} at {@code epoch} (the
     * switchover's, or the epoch routed when the primary was lost) with leader {@code oldLeader}; and
     * whether HAProxy's read-write backend was last seen with a server up since the pools last resumed.
     */
    public record State(boolean paused, long epoch, String oldLeader, Instant since, Cause cause, boolean readWriteUp) {
        public static final State RUNNING = new State(false, -1, null, null, null, false);

        static State pausedFor(Cause cause, long epoch, String oldLeader, Instant since, boolean readWriteUp) {
            return new State(true, epoch, oldLeader, since, cause, readWriteUp);
        }

        State withReadWriteUp(boolean up) {
            return new State(paused, epoch, oldLeader, since, cause, up);
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
        if (state.paused() && state.cause() == Cause.SWITCHOVER && state.epoch() == epoch) {
            return Decision.none(state); // announced twice: already paused for it
        }
        return new Decision(
                Action.PAUSE,
                State.pausedFor(Cause.SWITCHOVER, epoch, leader, now, state.readWriteUp()),
                "switchover of " + cluster + " from " + leader + " started at epoch " + epoch);
    }

    /**
     * HAProxy's read-write backend of the pooled cluster has {@code up} servers up, HAProxy routing by
     * {@code routedEpoch} with leader {@code routedLeader}: pause when its last server went down, resume a
     * pause for a lost primary once one is up again.
     */
    public static Decision readWriteServers(State state, int up, long routedEpoch, String routedLeader, Instant now) {
        if (up > 0) {
            if (state.paused() && state.cause() == Cause.PRIMARY_LOST) {
                return new Decision(
                        Action.RESUME,
                        State.RUNNING.withReadWriteUp(true),
                        "HAProxy's read-write backend has a server up again (" + up + ")");
            }
            return Decision.none(state.withReadWriteUp(true));
        }
        if (!state.readWriteUp() || state.paused()) {
            // never up since the last resume (no primary yet, or already handled), or paused for a switchover
            return Decision.none(state.withReadWriteUp(false));
        }
        return new Decision(
                Action.PAUSE,
                State.pausedFor(Cause.PRIMARY_LOST, routedEpoch, routedLeader, now, false),
                "HAProxy's read-write backend has no server up (primary " + routedLeader + " lost at epoch "
                        + routedEpoch + "): holding new transactions for the new primary");
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

    /** The switchover of {@code cluster} failed or was abandoned: resume a pause for it. */
    public static Decision switchoverFailed(State state, String poolCluster, String cluster) {
        if (!state.paused() || state.cause() != Cause.SWITCHOVER || !poolCluster.equals(cluster)) {
            return Decision.none(state);
        }
        return new Decision(Action.RESUME, State.RUNNING, "the switchover of " + cluster + " failed");
    }

    /**
     * Time passes: resume once the pools have been paused for {@code maxPause} (a switchover) or
     * {@code maxFailoverPause} (a lost primary).
     */
    public static Decision tick(State state, Instant now, Duration maxPause, Duration maxFailoverPause) {
        if (!state.paused()) {
            return Decision.none(state);
        }
        boolean failover = state.cause() == Cause.PRIMARY_LOST;
        Duration bound = failover ? maxFailoverPause : maxPause;
        if (now.isBefore(state.since().plus(bound))) {
            return Decision.none(state);
        }
        return new Decision(
                Action.RESUME,
                State.RUNNING,
                "paused for " + (failover ? "pgha.renderer.pool.max-failover-pause" : "pgha.renderer.pool.max-pause")
                        + " (" + bound.toMillis() + " ms) without the new primary being routed: resuming, clients may"
                        + " see errors");
    }
}
