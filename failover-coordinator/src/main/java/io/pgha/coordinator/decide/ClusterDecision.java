package io.pgha.coordinator.decide;

import io.pgha.core.Switchover;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the leading replica does for a cluster in one run of its loop: a pure function of the facts. */
public final class ClusterDecision {
    private ClusterDecision() {}

    /** The steps, in order; a step that answers false ends the run. */
    public static List<ClusterStep> next(ClusterFacts facts) {
        if (!facts.bootstrapped()) {
            return List.of(new ClusterStep.Nothing("not bootstrapped yet: the agents race for it"));
        }
        if (facts.detach() == ClusterFacts.DetachKey.CURRENT) {
            // nothing else while the standbys detach: above all no /sync change (the old leader's agent
            // may still apply it) until the fast failover is finished or abandoned
            return List.of(new ClusterStep.FinishFastFailover());
        }
        if (facts.detach() == ClusterFacts.DetachKey.LEADERLESS) {
            if (!facts.quorum() || facts.leader() != null) {
                List<ClusterStep> steps = new ArrayList<>();
                steps.add(new ClusterStep.DeleteStaleDetach());
                steps.addAll(next(withoutDetach(facts)));
                return List.copyOf(steps);
            }
            return leaderlessQuorum(facts);
        }
        if (facts.detach() == ClusterFacts.DetachKey.STALE) {
            List<ClusterStep> steps = new ArrayList<>();
            steps.add(new ClusterStep.DeleteStaleDetach());
            steps.addAll(next(withoutDetach(facts)));
            return List.copyOf(steps);
        }
        Switchover switchover = facts.switchover();
        if (switchover != null && switchover.scheduled()) {
            if (facts.leader() != null) {
                return List.of(scheduled(switchover, facts.leader(), facts.now()));
            }
            switchover = null; // a lost leader is failed over now; the schedule fails at its time if the leader changed
        }
        if (facts.leader() != null) {
            return withLeader(facts, switchover);
        }
        if (facts.quorum()) {
            return leaderlessQuorum(facts);
        }
        if (facts.manualRequested()) {
            return List.of(new ClusterStep.ManualFailover());
        }
        if (switchover != null) {
            return List.of(new ClusterStep.CompleteSwitchover(switchover));
        }
        if (facts.paused()) {
            return List.of(new ClusterStep.Nothing("paused: no automatic failover"));
        }
        return List.of(new ClusterStep.Failover());
    }

    private static List<ClusterStep> withLeader(ClusterFacts facts, Switchover switchover) {
        List<ClusterStep> steps = new ArrayList<>();
        if (facts.manualRequested()) {
            steps.add(new ClusterStep.RefuseManual(
                    facts.quorum() ? QUORUM_MANUAL : "the cluster has a leader now: use a switchover"));
        }
        if (!facts.paused() && facts.unpromotedOverdue()) {
            steps.add(new ClusterStep.TakeBackUnpromoted(facts.leader()));
        }
        if (switchover == null) {
            steps.add(new ClusterStep.ForgetSwitchover());
        } else if (facts.leader().equals(switchover.leader())) {
            steps.add(new ClusterStep.WatchSwitchover(switchover));
        } else {
            steps.add(new ClusterStep.DeleteFinishedSwitchover(switchover));
        }
        if (switchover == null && facts.fastFailover() && !facts.paused() && !facts.unpromotedOverdue()) {
            steps.add(new ClusterStep.WatchLeaderLoss());
        }
        if (facts.synchronousMode()) {
            steps.add(new ClusterStep.KeepSync());
        } else if (facts.syncPresent()) {
            steps.add(new ClusterStep.DeleteSync());
        }
        steps.add(new ClusterStep.WriteStatus());
        return List.copyOf(steps);
    }

    /**
     * Quorum commit without a leader key: a switchover that the old leader's agent handed over (its key
     * records the shutdown checkpoint the candidate received, written with the leader key's deletion) is
     * completed to its candidate, which holds every commit the old primary wrote, even while paused as in
     * FIRST mode; otherwise only the quorum rule promotes. A manual failover is refused (it could promote a
     * voter that lacks acknowledged commits); paused, nobody.
     */
    private static List<ClusterStep> leaderlessQuorum(ClusterFacts facts) {
        List<ClusterStep> steps = new ArrayList<>();
        if (facts.manualRequested()) {
            steps.add(new ClusterStep.RefuseManual(QUORUM_MANUAL));
        }
        Switchover switchover = facts.switchover();
        if (switchover != null && switchover.handedOver()) {
            steps.add(new ClusterStep.CompleteSwitchover(switchover));
            return List.copyOf(steps);
        }
        if (facts.paused()) {
            steps.add(new ClusterStep.Nothing("paused: no automatic failover"));
            return List.copyOf(steps);
        }
        steps.add(new ClusterStep.QuorumFailover());
        return List.copyOf(steps);
    }

    /** Why a manual failover is refused with quorum commit. */
    public static final String QUORUM_MANUAL = "synchronous_mode is quorum: a manual failover without a leader is"
            + " not supported (only a voter that the quorum rule proves to hold every acknowledged commit is"
            + " promoted, after the leader is lost); with a leader, a failover to a voter is a switchover";

    private static ClusterFacts withoutDetach(ClusterFacts f) {
        return new ClusterFacts(
                f.bootstrapped(),
                f.leader(),
                f.paused(),
                f.synchronousMode(),
                f.syncPresent(),
                f.switchover(),
                f.unpromotedOverdue(),
                f.manualRequested(),
                f.now(),
                f.fastFailover(),
                ClusterFacts.DetachKey.NONE,
                f.quorum());
    }

    private static ClusterStep scheduled(Switchover s, String leader, Instant now) {
        Instant at;
        try {
            at = Instant.parse(s.scheduledAt());
        } catch (RuntimeException e) {
            return new ClusterStep.DropUnreadableSchedule(s);
        }
        if (now.isBefore(at)) {
            return new ClusterStep.Nothing("a switchover is scheduled at " + at);
        }
        if (!leader.equals(s.leader())) {
            return new ClusterStep.DropStaleSchedule(
                    s, "the leader is " + leader + " at the scheduled time, not " + s.leader());
        }
        return new ClusterStep.StartScheduledSwitchover(s);
    }
}
