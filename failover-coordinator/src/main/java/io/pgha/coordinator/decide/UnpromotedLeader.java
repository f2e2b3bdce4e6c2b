package io.pgha.coordinator.decide;

import java.time.Duration;

/**
 * A leader key whose member keeps running as a replica. The replica that writes a leader key waits
 * for the promotion itself and takes the key back after {@code promote-timeout}; a replica that took
 * over the cluster in between only sees a present key, and without this watch would leave a member
 * that cannot promote as the leader for as long as its agent renews its lease. This gives it the
 * same deadline, counted from when it first saw that key name a running replica.
 */
public final class UnpromotedLeader {
    private final long timeoutNanos;
    private long epoch;
    private long sinceNanos;

    public UnpromotedLeader(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * @param epoch the leader key's mod revision
     * @param runsAsReplica its member reports itself as a running replica
     * @param nowNanos a monotonic clock
     * @return true once that same key has named a running replica for at least the timeout
     */
    public boolean overdue(long epoch, boolean runsAsReplica, long nowNanos) {
        if (!runsAsReplica) {
            this.epoch = 0;
            return false;
        }
        if (this.epoch != epoch) {
            this.epoch = epoch;
            this.sinceNanos = nowNanos;
            return false;
        }
        return nowNanos - sinceNanos >= timeoutNanos;
    }

    /** Forgets what was seen (the key was taken back, or this replica stopped leading the cluster). */
    public void reset() {
        epoch = 0;
    }
}
