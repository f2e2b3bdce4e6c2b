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
            steps.add(new ClusterStep.RefuseManual("the cluster has a leader now: use a switchover"));
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
                ClusterFacts.DetachKey.NONE);
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
