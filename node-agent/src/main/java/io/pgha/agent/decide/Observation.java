package io.pgha.agent.decide;

import java.util.Optional;

/**
 * What one run of the loop saw, as plain values.
 *
 * @param me this member's name
 * @param etcdReachable the cluster could be read this run
 * @param leader the member the leader key names, when there is one
 * @param leaderIsMine the leader key names this member and is bound to this agent's current lease
 * @param leaderHasAddress the leader's member key has a usable conn_url
 * @param leaderIsPrimary the leader's member key says it runs as primary (promoted): only then can a
 *     diverged data directory be rewound from it (before, pg_rewind sees the same timeline and rewinds
 *     nothing, and the standby then cannot follow the new timeline)
 * @param pgRunning the postmaster is alive
 * @param pgAccepting PostgreSQL answered the probe
 * @param inRecovery PostgreSQL is a standby
 * @param following the member this standby's primary_conninfo names (empty: none)
 * @param mayHaveDiverged this data directory ran as a primary and may hold WAL others lack
 * @param crashedPrimaryFor how long a primary has been down, when it is one that crashed
 * @param primaryStartTimeoutNanos how long a crashed primary may take to come back
 * @param handoverTo a pending planned handover from this leader to that member
 * @param fenced the agent demoted itself for lack of lease renewal and has not renewed since
 * @param paused the dynamic config's {@code pause} (maintenance), as last read
 * @param detachEpoch the epoch of a {@code /detach} key that applies to the current leader key (the
 *     fast failover: stop following that leader); empty when there is none
 * @param detachedEpoch the epoch this agent last detached for and reports in its member key; empty
 *     when none
 * @param failsafeRefusal why this member must not promote now: it confirmed another member as the
 *     running primary over {@code POST /failsafe} within ttl ({@link FailsafeRules#refusal}); empty
 *     when it may
 * @param cascadeTo the candidate of a planned switchover this standby streams from until the candidate is
 *     promoted ({@link SwitchoverCascade}); empty when it follows the leader
 */
public record Observation(
        String me,
        boolean etcdReachable,
        Optional<String> leader,
        boolean leaderIsMine,
        boolean leaderHasAddress,
        boolean leaderIsPrimary,
        boolean pgRunning,
        boolean pgAccepting,
        boolean inRecovery,
        Optional<String> following,
        boolean mayHaveDiverged,
        Optional<Long> crashedPrimaryFor,
        long primaryStartTimeoutNanos,
        Optional<String> handoverTo,
        boolean fenced,
        boolean paused,
        Optional<Long> detachEpoch,
        Optional<Long> detachedEpoch,
        Optional<String> failsafeRefusal,
        Optional<String> cascadeTo) {

    public Observation {
        failsafeRefusal = failsafeRefusal == null ? Optional.empty() : failsafeRefusal;
        cascadeTo = cascadeTo == null ? Optional.empty() : cascadeTo;
    }

    /** An observation without a failsafe refusal. */
    public Observation(
            String me,
            boolean etcdReachable,
            Optional<String> leader,
            boolean leaderIsMine,
            boolean leaderHasAddress,
            boolean leaderIsPrimary,
            boolean pgRunning,
            boolean pgAccepting,
            boolean inRecovery,
            Optional<String> following,
            boolean mayHaveDiverged,
            Optional<Long> crashedPrimaryFor,
            long primaryStartTimeoutNanos,
            Optional<String> handoverTo,
            boolean fenced,
            boolean paused,
            Optional<Long> detachEpoch,
            Optional<Long> detachedEpoch) {
        this(
                me,
                etcdReachable,
                leader,
                leaderIsMine,
                leaderHasAddress,
                leaderIsPrimary,
                pgRunning,
                pgAccepting,
                inRecovery,
                following,
                mayHaveDiverged,
                crashedPrimaryFor,
                primaryStartTimeoutNanos,
                handoverTo,
                fenced,
                paused,
                detachEpoch,
                detachedEpoch,
                Optional.empty(),
                Optional.empty());
    }

    /** An observation without a detach key. */
    public Observation(
            String me,
            boolean etcdReachable,
            Optional<String> leader,
            boolean leaderIsMine,
            boolean leaderHasAddress,
            boolean leaderIsPrimary,
            boolean pgRunning,
            boolean pgAccepting,
            boolean inRecovery,
            Optional<String> following,
            boolean mayHaveDiverged,
            Optional<Long> crashedPrimaryFor,
            long primaryStartTimeoutNanos,
            Optional<String> handoverTo,
            boolean fenced,
            boolean paused) {
        this(
                me,
                etcdReachable,
                leader,
                leaderIsMine,
                leaderHasAddress,
                leaderIsPrimary,
                pgRunning,
                pgAccepting,
                inRecovery,
                following,
                mayHaveDiverged,
                crashedPrimaryFor,
                primaryStartTimeoutNanos,
                handoverTo,
                fenced,
                paused,
                Optional.empty(),
                Optional.empty());
    }

    /** This observation with the detach key's epoch and this agent's detached report as given. */
    public Observation withDetach(Optional<Long> ordered, Optional<Long> reported) {
        return with(paused, ordered, reported, failsafeRefusal, cascadeTo);
    }

    /** This observation with {@code pause} set as given. */
    public Observation withPaused(boolean p) {
        return with(p, detachEpoch, detachedEpoch, failsafeRefusal, cascadeTo);
    }

    /** This observation with the failsafe refusal as given. */
    public Observation withFailsafeRefusal(Optional<String> refusal) {
        return with(paused, detachEpoch, detachedEpoch, refusal, cascadeTo);
    }

    /** This observation with the switchover candidate to stream from as given ({@link SwitchoverCascade}). */
    public Observation withCascadeTo(Optional<String> candidate) {
        return with(paused, detachEpoch, detachedEpoch, failsafeRefusal, candidate);
    }

    /** This observation with the fields the loop adds after the probe as given. */
    private Observation with(
            boolean p,
            Optional<Long> ordered,
            Optional<Long> reported,
            Optional<String> refusal,
            Optional<String> candidate) {
        return new Observation(
                me,
                etcdReachable,
                leader,
                leaderIsMine,
                leaderHasAddress,
                leaderIsPrimary,
                pgRunning,
                pgAccepting,
                inRecovery,
                following,
                mayHaveDiverged,
                crashedPrimaryFor,
                primaryStartTimeoutNanos,
                handoverTo,
                fenced,
                p,
                ordered,
                reported,
                refusal,
                candidate);
    }
}
