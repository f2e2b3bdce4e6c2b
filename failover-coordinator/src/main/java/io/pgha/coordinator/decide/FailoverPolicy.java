package io.pgha.coordinator.decide;

import io.pgha.events.Lsn;
import java.util.Set;

/**
 * The rules a failover candidate must pass.
 *
 * @param maximumLagOnFailover bytes a candidate may be behind {@code lastLeaderLsn}
 * @param lastLeaderLsn the leader's last known WAL position ({@code /status}); null when unknown
 * @param synchronousMode whether synchronous mode is on (only members of {@code syncSet} may win)
 * @param syncSet the members of {@code /sync}
 * @param ignoreLag true only for a manual failover that explicitly overrides the lag rule
 * @param coldStart true when no leader was seen alive before this decision (every node was stopped, or
 *     this coordinator took over a leaderless cluster): nobody can have been "streaming from the last
 *     leader", so that rule gives way to {@link ColdStart}'s order (timeline, then LSN, then the last
 *     leader), and in synchronous mode the last synchronous leader may be chosen too
 * @param lastLeader the last leader etcd remembers ({@code /sync}'s leader in synchronous mode, else
 *     {@code /status} or the last {@code /history} row); null when unknown. Used only in a cold start
 * @param minimumTimeline with {@code check_timeline}: the last leader's timeline ({@link
 *     LastTimeline}); a candidate on an older one never wins. 0: no timeline check
 * @param failsafeMembers with {@code failsafe_mode}: the members of {@code /failsafe}, the only ones
 *     that may win; null: no such rule
 */
public record FailoverPolicy(
        long maximumLagOnFailover,
        Lsn lastLeaderLsn,
        boolean synchronousMode,
        Set<String> syncSet,
        boolean ignoreLag,
        boolean coldStart,
        String lastLeader,
        long minimumTimeline,
        Set<String> failsafeMembers) {

    public FailoverPolicy(
            long maximumLagOnFailover,
            Lsn lastLeaderLsn,
            boolean synchronousMode,
            Set<String> syncSet,
            boolean ignoreLag,
            boolean coldStart,
            String lastLeader,
            long minimumTimeline) {
        this(
                maximumLagOnFailover,
                lastLeaderLsn,
                synchronousMode,
                syncSet,
                ignoreLag,
                coldStart,
                lastLeader,
                minimumTimeline,
                null);
    }

    /** The same rules with failsafe mode: only the members of {@code /failsafe} may win. */
    public FailoverPolicy onlyFailsafeMembers(Set<String> members) {
        return new FailoverPolicy(
                maximumLagOnFailover,
                lastLeaderLsn,
                synchronousMode,
                syncSet,
                ignoreLag,
                coldStart,
                lastLeader,
                minimumTimeline,
                Set.copyOf(members));
    }

    public FailoverPolicy {
        failsafeMembers = failsafeMembers == null ? null : Set.copyOf(failsafeMembers);
        if (maximumLagOnFailover < 0) {
            throw new IllegalArgumentException(
                    "maximum_lag_on_failover must be >= 0 bytes, got " + maximumLagOnFailover);
        }
        syncSet = syncSet == null ? Set.of() : Set.copyOf(syncSet);
        if (minimumTimeline < 0) {
            throw new IllegalArgumentException("the minimum timeline must be >= 0, got " + minimumTimeline);
        }
    }

    public FailoverPolicy(
            long maximumLagOnFailover,
            Lsn lastLeaderLsn,
            boolean synchronousMode,
            Set<String> syncSet,
            boolean ignoreLag,
            boolean coldStart,
            String lastLeader) {
        this(maximumLagOnFailover, lastLeaderLsn, synchronousMode, syncSet, ignoreLag, coldStart, lastLeader, 0);
    }

    public FailoverPolicy(
            long maximumLagOnFailover,
            Lsn lastLeaderLsn,
            boolean synchronousMode,
            Set<String> syncSet,
            boolean ignoreLag) {
        this(maximumLagOnFailover, lastLeaderLsn, synchronousMode, syncSet, ignoreLag, false, null);
    }

    /** The same rules for a cluster whose every node was stopped ({@code lastLeader} may be null). */
    public FailoverPolicy coldStart(String lastLeader) {
        return new FailoverPolicy(
                maximumLagOnFailover,
                lastLeaderLsn,
                synchronousMode,
                syncSet,
                ignoreLag,
                true,
                lastLeader,
                minimumTimeline,
                failsafeMembers);
    }

    /** The same rules with {@code check_timeline}: no candidate on a timeline older than {@code timeline}. */
    public FailoverPolicy checkingTimeline(long timeline) {
        return new FailoverPolicy(
                maximumLagOnFailover,
                lastLeaderLsn,
                synchronousMode,
                syncSet,
                ignoreLag,
                coldStart,
                lastLeader,
                Math.max(0, timeline),
                failsafeMembers);
    }

    /**
     * Who may win in synchronous mode: the promotable set, and after a cold start also the last
     * synchronous leader (it holds every commit it acknowledged).
     */
    public Set<String> synchronousCandidates() {
        if (!coldStart || lastLeader == null) {
            return syncSet;
        }
        Set<String> all = new java.util.TreeSet<>(syncSet);
        all.add(lastLeader);
        return Set.copyOf(all);
    }

    /** Automatic failover: every rule applies. */
    public static FailoverPolicy automatic(
            long maximumLagOnFailover, Lsn lastLeaderLsn, boolean synchronousMode, Set<String> syncSet) {
        return new FailoverPolicy(maximumLagOnFailover, lastLeaderLsn, synchronousMode, syncSet, false);
    }

    /** The same rules with the lag rule overridden (a manual failover's explicit flag). */
    public FailoverPolicy ignoringLag() {
        return new FailoverPolicy(
                maximumLagOnFailover,
                lastLeaderLsn,
                synchronousMode,
                syncSet,
                true,
                coldStart,
                lastLeader,
                minimumTimeline,
                failsafeMembers);
    }
}
