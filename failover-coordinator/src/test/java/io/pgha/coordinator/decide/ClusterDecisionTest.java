package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.coordinator.decide.ClusterStep.CompleteSwitchover;
import io.pgha.coordinator.decide.ClusterStep.DeleteFinishedSwitchover;
import io.pgha.coordinator.decide.ClusterStep.DeleteSync;
import io.pgha.coordinator.decide.ClusterStep.DropStaleSchedule;
import io.pgha.coordinator.decide.ClusterStep.DropUnreadableSchedule;
import io.pgha.coordinator.decide.ClusterStep.Failover;
import io.pgha.coordinator.decide.ClusterStep.ForgetSwitchover;
import io.pgha.coordinator.decide.ClusterStep.KeepSync;
import io.pgha.coordinator.decide.ClusterStep.ManualFailover;
import io.pgha.coordinator.decide.ClusterStep.Nothing;
import io.pgha.coordinator.decide.ClusterStep.RefuseManual;
import io.pgha.coordinator.decide.ClusterStep.StartScheduledSwitchover;
import io.pgha.coordinator.decide.ClusterStep.TakeBackUnpromoted;
import io.pgha.coordinator.decide.ClusterStep.WatchSwitchover;
import io.pgha.coordinator.decide.ClusterStep.WriteStatus;
import io.pgha.core.Switchover;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterDecisionTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final ClusterFacts STEADY =
            new ClusterFacts(true, "pg-0", false, false, false, null, false, false, NOW);

    private static List<Class<?>> kinds(ClusterFacts facts) {
        return ClusterDecision.next(facts).stream()
                .<Class<?>>map(Object::getClass)
                .toList();
    }

    private static ClusterFacts withLeader(String leader) {
        return new ClusterFacts(true, leader, false, false, false, null, false, false, NOW);
    }

    private static ClusterFacts with(ClusterFacts f, Switchover s) {
        return new ClusterFacts(
                f.bootstrapped(),
                f.leader(),
                f.paused(),
                f.synchronousMode(),
                f.syncPresent(),
                s,
                f.unpromotedOverdue(),
                f.manualRequested(),
                f.now());
    }

    @Test
    void beforeBootstrapNothingHappens() {
        assertThat(kinds(new ClusterFacts(false, null, false, false, false, null, false, true, NOW)))
                .containsExactly(Nothing.class);
    }

    @Test
    void aSteadyLeaderKeepsItsStatus() {
        assertThat(kinds(STEADY)).containsExactly(ForgetSwitchover.class, WriteStatus.class);
    }

    @Test
    void synchronousModeKeepsSyncAndItsKeyGoesWhenTheModeIsOff() {
        assertThat(kinds(new ClusterFacts(true, "pg-0", false, true, true, null, false, false, NOW)))
                .containsExactly(ForgetSwitchover.class, KeepSync.class, WriteStatus.class);
        assertThat(kinds(new ClusterFacts(true, "pg-0", false, false, true, null, false, false, NOW)))
                .containsExactly(ForgetSwitchover.class, DeleteSync.class, WriteStatus.class);
    }

    @Test
    void aLeaderKeyOnAReplicaPastTheTimeoutIsTakenBackFirstButNotWhilePaused() {
        assertThat(kinds(new ClusterFacts(true, "pg-1", false, false, false, null, true, true, NOW)))
                .containsExactly(
                        RefuseManual.class, TakeBackUnpromoted.class, ForgetSwitchover.class, WriteStatus.class);
        assertThat(kinds(new ClusterFacts(true, "pg-1", true, false, false, null, true, false, NOW)))
                .containsExactly(ForgetSwitchover.class, WriteStatus.class);
    }

    @Test
    void aSwitchoverIsWatchedWhileItsLeaderLeadsAndDeletedOnceAnotherDoes() {
        Switchover s = new Switchover("pg-0", "pg-1");
        assertThat(ClusterDecision.next(with(STEADY, s))).first().isEqualTo(new WatchSwitchover(s));
        assertThat(ClusterDecision.next(with(withLeader("pg-1"), s)))
                .first()
                .isEqualTo(new DeleteFinishedSwitchover(s));
    }

    @Test
    void aScheduledSwitchoverWaitsForItsTimeThenStartsOrIsDroppedWhenTheLeaderChanged() {
        Switchover later = new Switchover("pg-0", "pg-1", NOW.plusSeconds(60).toString());
        Switchover due = new Switchover("pg-0", "pg-1", NOW.minusSeconds(1).toString());
        Switchover unreadable = new Switchover("pg-0", "pg-1", "tomorrow");

        assertThat(kinds(with(STEADY, later))).containsExactly(Nothing.class);
        assertThat(ClusterDecision.next(with(STEADY, due))).containsExactly(new StartScheduledSwitchover(due));
        assertThat(ClusterDecision.next(with(withLeader("pg-2"), due)))
                .containsExactly(new DropStaleSchedule(due, "the leader is pg-2 at the scheduled time, not pg-0"));
        assertThat(ClusterDecision.next(with(STEADY, unreadable)))
                .containsExactly(new DropUnreadableSchedule(unreadable));
    }

    @Test
    void withoutALeaderAManualFailoverComesFirstThenASwitchoverThenAnAutomaticFailover() {
        Switchover s = new Switchover("pg-0", "pg-1");
        ClusterFacts leaderless = withLeader(null);
        ClusterFacts manual = new ClusterFacts(true, null, false, false, false, s, false, true, NOW);

        assertThat(kinds(manual)).containsExactly(ManualFailover.class);
        assertThat(ClusterDecision.next(with(leaderless, s))).containsExactly(new CompleteSwitchover(s));
        assertThat(kinds(leaderless)).containsExactly(Failover.class);
    }

    @Test
    void aLostLeaderIsFailedOverAlthoughASwitchoverIsScheduled() {
        Switchover scheduled =
                new Switchover("pg-0", "pg-1", NOW.plusSeconds(60).toString());
        assertThat(kinds(with(withLeader(null), scheduled))).containsExactly(Failover.class);
    }

    @Test
    void pausedWithoutALeaderNobodyIsPromotedButAManualFailoverStillIs() {
        assertThat(kinds(new ClusterFacts(true, null, true, false, false, null, false, false, NOW)))
                .containsExactly(Nothing.class);
        assertThat(kinds(new ClusterFacts(true, null, true, false, false, null, false, true, NOW)))
                .containsExactly(ManualFailover.class);
    }

    private static ClusterFacts fast(String leader, boolean on, ClusterFacts.DetachKey detach) {
        return new ClusterFacts(true, leader, false, true, true, null, false, false, NOW, on, detach);
    }

    @Test
    void fastFailoverWatchesTheLeaderOnlyWhenSwitchedOn() {
        assertThat(kinds(fast("pg-0", true, ClusterFacts.DetachKey.NONE)))
                .containsExactly(
                        ForgetSwitchover.class, ClusterStep.WatchLeaderLoss.class, KeepSync.class, WriteStatus.class);
        assertThat(kinds(fast("pg-0", false, ClusterFacts.DetachKey.NONE)))
                .containsExactly(ForgetSwitchover.class, KeepSync.class, WriteStatus.class);
        ClusterFacts paused = new ClusterFacts(
                true, "pg-0", true, true, true, null, false, false, NOW, true, ClusterFacts.DetachKey.NONE);
        assertThat(kinds(paused)).doesNotContain(ClusterStep.WatchLeaderLoss.class);
    }

    @Test
    void aDetachForTheCurrentLeaderIsFinishedBeforeAnythingElseAndTheSyncKeyIsLeftAlone() {
        assertThat(kinds(fast("pg-0", true, ClusterFacts.DetachKey.CURRENT)))
                .containsExactly(ClusterStep.FinishFastFailover.class);
        // also when fast_failover was switched off meanwhile: the order is finished or abandoned
        assertThat(kinds(fast("pg-0", false, ClusterFacts.DetachKey.CURRENT)))
                .containsExactly(ClusterStep.FinishFastFailover.class);
    }

    @Test
    void aStaleDetachIsDeletedAndTheRunGoesOn() {
        assertThat(kinds(fast(null, true, ClusterFacts.DetachKey.STALE)))
                .containsExactly(ClusterStep.DeleteStaleDetach.class, Failover.class);
        assertThat(kinds(fast("pg-1", true, ClusterFacts.DetachKey.STALE)))
                .startsWith(ClusterStep.DeleteStaleDetach.class)
                .contains(ClusterStep.WatchLeaderLoss.class);
    }

    private static ClusterFacts quorum(String leader, boolean paused, boolean manual, ClusterFacts.DetachKey detach) {
        return new ClusterFacts(true, leader, paused, true, true, null, false, manual, NOW, false, detach, true);
    }

    @Test
    void withoutALeaderQuorumModePromotesOnlyThroughTheQuorumRule() {
        assertThat(kinds(quorum(null, false, false, ClusterFacts.DetachKey.NONE)))
                .containsExactly(ClusterStep.QuorumFailover.class);
        assertThat(kinds(quorum(null, false, false, ClusterFacts.DetachKey.LEADERLESS)))
                .containsExactly(ClusterStep.QuorumFailover.class);
        assertThat(kinds(quorum(null, false, true, ClusterFacts.DetachKey.NONE)))
                .containsExactly(ClusterStep.RefuseManual.class, ClusterStep.QuorumFailover.class);
        assertThat(kinds(quorum(null, true, true, ClusterFacts.DetachKey.LEADERLESS)))
                .containsExactly(ClusterStep.RefuseManual.class, ClusterStep.Nothing.class);
        ClusterFacts switchover = new ClusterFacts(
                true,
                null,
                false,
                true,
                true,
                new Switchover("pg-0", "pg-1"),
                false,
                false,
                NOW,
                false,
                ClusterFacts.DetachKey.NONE,
                true);
        assertThat(kinds(switchover))
                .as("a key released without the handover's record: the quorum rule, not the switchover's candidate")
                .containsExactly(ClusterStep.QuorumFailover.class);
    }

    private static ClusterFacts quorumWithSwitchover(Switchover s, boolean paused, boolean manual) {
        return new ClusterFacts(
                true, null, paused, true, true, s, false, manual, NOW, false, ClusterFacts.DetachKey.NONE, true);
    }

    @Test
    void withoutALeaderAHandedOverSwitchoverIsCompletedToItsCandidateEvenWhilePaused() {
        Switchover handedOver = new Switchover("pg-0", "pg-1").handedOverAt("0/5000028");
        assertThat(ClusterDecision.next(quorumWithSwitchover(handedOver, false, false)))
                .as("the candidate received the old primary's shutdown checkpoint: it holds every commit")
                .containsExactly(new ClusterStep.CompleteSwitchover(handedOver));
        assertThat(ClusterDecision.next(quorumWithSwitchover(handedOver, true, false)))
                .as("paused: a switchover is still completed, as in FIRST mode")
                .containsExactly(new ClusterStep.CompleteSwitchover(handedOver));
        assertThat(kinds(quorumWithSwitchover(handedOver, false, true)))
                .containsExactly(ClusterStep.RefuseManual.class, ClusterStep.CompleteSwitchover.class);
        assertThat(kinds(quorumWithSwitchover(new Switchover("pg-0", "pg-1"), true, false)))
                .as("not handed over and paused: nobody")
                .containsExactly(ClusterStep.Nothing.class);
    }

    @Test
    void withALeaderQuorumModeKeepsSyncAndRefusesAManualFailover() {
        assertThat(kinds(quorum("pg-0", false, false, ClusterFacts.DetachKey.NONE)))
                .containsExactly(
                        ClusterStep.ForgetSwitchover.class, ClusterStep.KeepSync.class, ClusterStep.WriteStatus.class);
        assertThat(ClusterDecision.next(quorum("pg-0", false, true, ClusterFacts.DetachKey.NONE)))
                .first()
                .isEqualTo(new ClusterStep.RefuseManual(ClusterDecision.QUORUM_MANUAL));
        assertThat(kinds(quorum("pg-0", false, false, ClusterFacts.DetachKey.LEADERLESS)))
                .as("a leaderless order with a leader key again is stale")
                .startsWith(ClusterStep.DeleteStaleDetach.class);
    }

    @Test
    void aLeaderlessOrderOutsideQuorumModeIsDeletedAndTheRunGoesOn() {
        ClusterFacts facts = new ClusterFacts(
                true,
                null,
                false,
                true,
                true,
                null,
                false,
                false,
                NOW,
                false,
                ClusterFacts.DetachKey.LEADERLESS,
                false);
        assertThat(kinds(facts)).containsExactly(ClusterStep.DeleteStaleDetach.class, ClusterStep.Failover.class);
    }
}
