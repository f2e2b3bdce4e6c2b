package io.pgha.coordinator.decide;

import io.pgha.core.Switchover;
import java.time.Instant;

/**
 * What one run of a cluster's loop observed, as far as choosing the next steps needs it (the leading
 * replica's view: its election key is checked before).
 *
 * @param bootstrapped the initialize key is present
 * @param leader the member the leader key names; null when there is no leader key
 * @param paused maintenance ({@code pause} in the dynamic config)
 * @param synchronousMode {@code synchronous_mode} in the dynamic config
 * @param syncPresent a readable {@code /sync} key exists
 * @param switchover the readable {@code /switchover} key; null when absent or unreadable
 * @param unpromotedOverdue the leader key has named a running replica for promote-timeout ({@link
 *     UnpromotedLeader}); only asked for, and so only true, with a leader and not paused
 * @param manualRequested a manual failover asked through REST waits for its answer
 * @param now the wall clock, for a scheduled switchover
 * @param fastFailover {@code fast_failover} is on, in synchronous mode (not quorum) or with the routers
 *     declared for the asynchronous mode
 * @param detach the {@code /detach} key: none, one for the current leader key, quorum commit's
 *     leaderless one (no leader key), or a stale one
 * @param quorum {@code synchronous_mode: quorum} (quorum commit)
 */
public record ClusterFacts(
        boolean bootstrapped,
        String leader,
        boolean paused,
        boolean synchronousMode,
        boolean syncPresent,
        Switchover switchover,
        boolean unpromotedOverdue,
        boolean manualRequested,
        Instant now,
        boolean fastFailover,
        DetachKey detach,
        boolean quorum) {

    /** What the {@code /detach} key is to the current leader key. */
    public enum DetachKey {
        NONE,
        /** It names the current leader key's member and revision: a fast failover is under way. */
        CURRENT,
        /** It names another epoch (or there is no leader key, or it cannot be read): delete it. */
        STALE,
        /** Quorum commit's order while there is no leader key: a quorum failover is under way. */
        LEADERLESS
    }

    /** Facts without quorum commit. */
    public ClusterFacts(
            boolean bootstrapped,
            String leader,
            boolean paused,
            boolean synchronousMode,
            boolean syncPresent,
            Switchover switchover,
            boolean unpromotedOverdue,
            boolean manualRequested,
            Instant now,
            boolean fastFailover,
            DetachKey detach) {
        this(
                bootstrapped,
                leader,
                paused,
                synchronousMode,
                syncPresent,
                switchover,
                unpromotedOverdue,
                manualRequested,
                now,
                fastFailover,
                detach,
                false);
    }

    /** Facts without the fast failover (off, no detach key). */
    public ClusterFacts(
            boolean bootstrapped,
            String leader,
            boolean paused,
            boolean synchronousMode,
            boolean syncPresent,
            Switchover switchover,
            boolean unpromotedOverdue,
            boolean manualRequested,
            Instant now) {
        this(
                bootstrapped,
                leader,
                paused,
                synchronousMode,
                syncPresent,
                switchover,
                unpromotedOverdue,
                manualRequested,
                now,
                false,
                DetachKey.NONE);
    }
}
