package io.pgha.agent.decide;

/** What the agent does to its PostgreSQL in one run of the loop (decided by {@link HaDecision}). */
public sealed interface Action {
    /** Start (again) as the primary: a crashed primary restarted in place. */
    record StartPrimary() implements Action {}

    /** Start as a standby of {@code leader} (null: read-only, no upstream yet). */
    record StartStandby(String leader) implements Action {}

    /** Promote this standby: the leader key names this member. */
    record Promote() implements Action {}

    /** Create the replication slots the other members need (as primary). */
    record EnsureSlots() implements Action {}

    /** Point primary_conninfo at {@code leader} and reload (no restart). */
    record Follow(String leader) implements Action {}

    /** Stop, pg_rewind from {@code leader} (re-clone if that fails), start as its standby. */
    record RewindAndFollow(String leader) implements Action {}

    /** Stop accepting writes: restart read-only, without upstream. */
    record Demote(String reason) implements Action {}

    /**
     * Planned handover to {@code candidate}: checkpoint, stop fast, make sure the candidate received
     * the shutdown checkpoint, release the leader key, restart as the candidate's standby.
     */
    record HandOver(String candidate) implements Action {}

    /** Give up the leader key so that the coordinator can fail over. */
    record ReleaseLeader(String reason) implements Action {}

    /** Paused (maintenance): take the vacant leader key for this running primary (create-only). */
    record AcquireLeader() implements Action {}

    /** Paused (maintenance): leave PostgreSQL as it is, and say why (a warning). */
    record Hold(String reason) implements Action {}
}
