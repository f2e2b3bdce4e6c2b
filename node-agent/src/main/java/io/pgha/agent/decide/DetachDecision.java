package io.pgha.agent.decide;

import java.util.List;

/**
 * What a member that is not the leader does while a {@code /detach} key applies to the current leader
 * key (the fast failover, failover-coordinator's DESIGN.md), or, quorum commit's leaderless order, while
 * there is no leader key and it is not running as a primary: it never points primary_conninfo at that
 * leader — not at start, not after a crash, not in its loop — and reports once its WAL receiver is
 * gone. Pure; {@link HaDecision} hands over to it.
 */
public final class DetachDecision {
    private DetachDecision() {}

    /** The actions for {@code o} (whose {@code detachEpoch} is present), {@code leader} being the leader key's member. */
    public static List<Action> decide(Observation o, String leader) {
        long epoch = o.detachEpoch().orElseThrow();
        if (!o.pgRunning()) {
            // start without an upstream (a crashed standby, an agent restarted mid-way): never L
            return o.paused() ? List.of() : List.of(new Action.StartStandby(null));
        }
        if (!o.pgAccepting()) {
            return List.of();
        }
        if (!o.inRecovery()) {
            // runs as a primary while the leader key names another member: not demoted while paused,
            // else demoted as ever (the restart is read-only, without upstream)
            return o.paused()
                    ? List.of(new Action.Hold(
                            "running as primary while the leader key names " + leader + ": not demoted while paused"))
                    : List.of(new Action.Demote(
                            "the leader key names " + leader + ", whose standbys are detaching (fast failover)"));
        }
        if (o.following().isEmpty() && o.detachedEpoch().filter(e -> e == epoch).isPresent()) {
            return List.of(); // detached and reported: wait for the coordinator
        }
        return List.of(new Action.Detach(leader, epoch));
    }
}
