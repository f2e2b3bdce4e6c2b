package io.pgha.coordinator.decide;

/** Why a member may not become primary, in the order the rules are checked. */
public enum ExclusionReason {
    /** Its agent did not answer {@code /patroni} in time: nothing fresh is known of it. */
    AGENT_UNREACHABLE,
    /** Tagged {@code nofailover}. */
    NOFAILOVER,
    /** {@code failover_priority <= 0}. */
    FAILOVER_PRIORITY,
    /** PostgreSQL is not running. */
    NOT_RUNNING,
    /** After a full stop: it does not run as a standby (say, a primary without the key during bootstrap). */
    NOT_A_STANDBY,
    /** It was not streaming from the last leader. */
    NOT_STREAMING,
    /** The latest health-monitor view says it is unreachable. */
    MONITOR_UNREACHABLE,
    /** Synchronous mode is on and it is not in {@code /sync}. */
    NOT_SYNCHRONOUS,
    /** {@code check_timeline} is on and it runs on a timeline older than the last leader's. */
    TIMELINE,
    /** Further behind the last leader position than {@code maximum_lag_on_failover}. */
    LAG,
    /** {@code failsafe_mode} is on and it is not in {@code /failsafe}. */
    NOT_IN_FAILSAFE
}
