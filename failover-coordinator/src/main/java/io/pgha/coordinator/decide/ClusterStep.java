package io.pgha.coordinator.decide;

import io.pgha.core.Switchover;

/**
 * One step of a cluster's loop, chosen by {@link ClusterDecision#next}. Each step is carried out by
 * the method of {@link Executor} with its name, so a new step that no executor handles does not compile.
 * Every method answers whether the remaining steps of the same run still apply.
 */
public sealed interface ClusterStep {
    boolean runOn(Executor executor);

    /** Carries out the steps, one method each. */
    interface Executor {
        boolean nothing(String why);

        boolean refuseManual(String reason);

        boolean dropUnreadableSchedule(Switchover switchover);

        boolean dropStaleSchedule(Switchover switchover, String reason);

        boolean startScheduledSwitchover(Switchover switchover);

        /** False when the key was taken back: the next run fails over. */
        boolean takeBackUnpromoted(String member);

        boolean watchSwitchover(Switchover switchover);

        boolean forgetSwitchover();

        boolean deleteFinishedSwitchover(Switchover switchover);

        boolean keepSync();

        boolean deleteSync();

        boolean writeStatus();

        boolean manualFailover();

        boolean switchover(Switchover switchover);

        boolean failover();

        /** Fast failover: evaluate {@link Suspicion}; when it is ripe, detach, gate, promote or abandon. */
        boolean watchLeaderLoss();

        /** Fast failover under way (found at start, or left by a run that ended): finish or abandon it. */
        boolean finishFastFailover();

        boolean deleteStaleDetach();

        boolean quorumFailover();
    }

    /** Nothing to do now, and why. */
    record Nothing(String why) implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.nothing(why);
        }
    }

    /** A manual failover waits while the cluster has a leader: answer it (a switchover is the way). */
    record RefuseManual(String reason) implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.refuseManual(reason);
        }
    }

    /** A scheduled switchover whose {@code scheduled_at} cannot be read: delete it. */
    record DropUnreadableSchedule(Switchover switchover) implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.dropUnreadableSchedule(switchover);
        }
    }

    /** A scheduled switchover is due but the leader changed: report it failed and delete it. */
    record DropStaleSchedule(Switchover switchover, String reason) implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.dropStaleSchedule(switchover, reason);
        }
    }

    /** A scheduled switchover is due: rewrite it without the time, so the leader's agent hands over. */
    record StartScheduledSwitchover(Switchover switchover) implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.startScheduledSwitchover(switchover);
        }
    }

    /** The leader key has named a running replica for promote-timeout: take it back. */
    record TakeBackUnpromoted(String member) implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.takeBackUnpromoted(member);
        }
    }

    /** The leader hands over: announce it once, abandon it after switchover-timeout. */
    record WatchSwitchover(Switchover switchover) implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.watchSwitchover(switchover);
        }
    }

    /** No switchover (any more): forget the one watched. */
    record ForgetSwitchover() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.forgetSwitchover();
        }
    }

    /** The switchover's leader no longer leads (done, or stale): delete the key. */
    record DeleteFinishedSwitchover(Switchover switchover) implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.deleteFinishedSwitchover(switchover);
        }
    }

    /** Synchronous mode: one {@link SyncPlanner} step. */
    record KeepSync() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.keepSync();
        }
    }

    /** Synchronous mode is off but {@code /sync} remains: delete it. */
    record DeleteSync() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.deleteSync();
        }
    }

    /** Keep the leader's last position in {@code /status}. */
    record WriteStatus() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.writeStatus();
        }
    }

    /** No leader and a manual failover asked for: promote its candidate. */
    record ManualFailover() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.manualFailover();
        }
    }

    /** No leader and a switchover pending: promote its candidate (the old leader released the key). */
    record CompleteSwitchover(Switchover switchover) implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.switchover(switchover);
        }
    }

    /** fast_failover (synchronous, or asynchronous with declared routers): watch for the loss of the leader's node. */
    record WatchLeaderLoss() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.watchLeaderLoss();
        }
    }

    /** A {@code /detach} for the current leader key: finish the fast failover (gate) or abandon it. */
    record FinishFastFailover() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.finishFastFailover();
        }
    }

    /** A {@code /detach} for another epoch: delete it (the agents then follow the leader key as ever). */
    record DeleteStaleDetach() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.deleteStaleDetach();
        }
    }

    /** No leader, not paused: promote the best candidate. */
    record Failover() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.failover();
        }
    }

    /**
     * Quorum commit without a leader key: write the leaderless {@code /detach} (unless it is there),
     * read the voters' detached reports and promote only {@link QuorumRule#winner} (the module's
     * DESIGN.md, "Quorum commit").
     */
    record QuorumFailover() implements ClusterStep {
        public boolean runOn(Executor e) {
            return e.quorumFailover();
        }
    }
}
