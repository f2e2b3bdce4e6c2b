package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.coordinator.decide.SyncPlanner.Standby;
import io.pgha.coordinator.decide.SyncPlanner.Step;
import io.pgha.coordinator.decide.SyncPlanner.SyncState;
import io.pgha.core.SyncSet;
import io.pgha.events.Lsn;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The synchronous-mode planner. The invariant checked throughout: every member of the promotable set
 * P holds every acknowledged commit, under a primary that applies {@code FIRST n (P ∪ T)} (a commit is
 * acknowledged only once every applied member has flushed it).
 */
class SyncPlannerTest {

    // --- choose ---

    @Test
    void nosyncUnhealthyAndNotStreamingStandbysAreNeverChosen() {
        List<Standby> standbys = List.of(
                new Standby("nosync", true, true, true, Lsn.parse("0/900")),
                new Standby("sick", false, true, false, Lsn.parse("0/900")),
                new Standby("idle", true, false, false, Lsn.parse("0/900")),
                new Standby("ok", true, true, false, Lsn.parse("0/100")));
        assertThat(SyncPlanner.choose(Set.of(), standbys, 3)).containsExactly("ok");
        assertThat(SyncPlanner.choose(Set.of("nosync", "sick", "idle"), standbys, 3))
                .containsExactly("ok");
    }

    @Test
    void currentSynchronousStandbysAreKeptWhileTheyQualify() {
        List<Standby> standbys = List.of(standby("a", "0/100"), standby("b", "0/900"), standby("c", "0/500"));
        assertThat(SyncPlanner.choose(Set.of("a"), standbys, 1)).containsExactly("a");
        assertThat(SyncPlanner.choose(Set.of("a"), standbys, 2)).containsExactlyInAnyOrder("a", "b");
        assertThat(SyncPlanner.choose(Set.of(), standbys, 1)).containsExactly("b");
        assertThat(SyncPlanner.choose(Set.of(), standbys, 2)).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void theMostAdvancedStandbyIsChosenThenTheName() {
        List<Standby> standbys =
                List.of(standby("c", "0/500"), standby("b", "0/500"), new Standby("a", true, true, false, null));
        assertThat(SyncPlanner.choose(Set.of(), standbys, 1)).containsExactly("b");
        assertThat(SyncPlanner.choose(Set.of(), standbys, 3)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(SyncPlanner.choose(Set.of(), standbys, 0)).isEmpty();
    }

    // --- next, one call at a time ---

    @Test
    void nothingToDoWhenTheSetIsAppliedAndPromotable() {
        SyncState state = new SyncState(Set.of("a"), Set.of("a"), Set.of("a"), Lsn.parse("0/100"));
        assertThat(SyncPlanner.next(state, List.of(standby("a", "0/200"), standby("b", "0/300")), 1, false))
                .isInstanceOf(Step.Done.class);
    }

    @Test
    void theStepsOfAReplacementComeInTheSafeOrder() {
        List<Standby> aDownBUp = List.of(down("a", "0/100"), standby("b", "0/80"));

        Step shrink = SyncPlanner.next(state(Set.of("a"), Set.of("a"), Set.of("a"), "0/10"), aDownBUp, 1, false);
        assertThat(shrink).isInstanceOf(Step.Write.class);
        assertThat(write(shrink).target()).containsExactly("a");
        assertThat(write(shrink).promotable()).isEmpty();
        assertThat(write(shrink).why()).contains("remove [a] from the promotable set");

        Step retarget = SyncPlanner.next(state(Set.of("a"), Set.of(), Set.of("a"), "0/10"), aDownBUp, 1, false);
        assertThat(retarget).isInstanceOf(Step.Write.class);
        assertThat(write(retarget).target()).containsExactly("b");
        assertThat(write(retarget).promotable()).isEmpty();
        assertThat(write(retarget).why()).contains("wait for [b] instead of [a]");

        Step notApplied = SyncPlanner.next(state(Set.of("b"), Set.of(), Set.of("a"), "0/10"), aDownBUp, 1, false);
        assertThat(notApplied).isInstanceOf(Step.Wait.class);
        assertThat(((Step.Wait) notApplied).why()).contains("has not yet applied [b]");

        Step noPosition = SyncPlanner.next(state(Set.of("b"), Set.of(), Set.of("b"), null), aDownBUp, 1, false);
        assertThat(noPosition).isInstanceOf(Step.Wait.class);
        assertThat(((Step.Wait) noPosition).why()).contains("position");

        Step behind = SyncPlanner.next(state(Set.of("b"), Set.of(), Set.of("b"), "0/90"), aDownBUp, 1, false);
        assertThat(behind).isInstanceOf(Step.Wait.class);
        assertThat(((Step.Wait) behind).why()).contains("b has not yet flushed up to 0/90");

        Step grow = SyncPlanner.next(state(Set.of("b"), Set.of(), Set.of("b"), "0/80"), aDownBUp, 1, false);
        assertThat(grow)
                .isEqualTo(
                        new Step.Write(
                                Set.of("b"),
                                Set.of("b"),
                                "add [b] to the promotable set: the primary waits for them and they hold every earlier commit"));

        Step done = SyncPlanner.next(state(Set.of("b"), Set.of("b"), Set.of("b"), "0/80"), aDownBUp, 1, false);
        assertThat(done).isInstanceOf(Step.Done.class);
    }

    /**
     * Strict mode after a failover with no qualifying standby: forNewLeader targets a stopped standby
     * whose position is unknown; once the primary applied it, the planner must wait, not fail.
     */
    @Test
    void aTargetWithoutAKnownPositionIsNotMadePromotable() {
        List<Standby> stopped = List.of(new Standby("b", false, false, false, null));
        Step.Write plan = SyncPlanner.forNewLeader(Set.of("a"), "a", stopped, 1, true);
        assertThat(plan.target()).containsExactly("b");
        assertThat(plan.promotable()).isEmpty();

        Step step = SyncPlanner.next(state(plan.target(), plan.promotable(), Set.of("b"), "0/10"), stopped, 1, true);

        assertThat(step).isInstanceOf(Step.Wait.class);
        assertThat(((Step.Wait) step).why()).contains("b has not yet flushed up to 0/10");
    }

    @Test
    void withNoQualifyingStandbyNobodyStaysPromotable() {
        List<Standby> none = List.of(down("a", "0/100"));
        Step shrink = SyncPlanner.next(state(Set.of("a"), Set.of("a"), Set.of("a"), "0/10"), none, 1, false);
        assertThat(shrink).isEqualTo(new Step.Write(Set.of("a"), Set.of(), "remove [a] from the promotable set"));
        Step target = SyncPlanner.next(state(Set.of("a"), Set.of(), Set.of("a"), "0/10"), none, 1, false);
        assertThat(target)
                .isEqualTo(new Step.Write(Set.of(), Set.of(), "the primary should wait for [] instead of [a]"));
        assertThat(SyncPlanner.next(state(Set.of(), Set.of(), Set.of(), "0/10"), none, 1, false))
                .isInstanceOf(Step.Done.class);
    }

    @Test
    void strictModeKeepsTheTargetWhenNoStandbyQualifies() {
        List<Standby> none = List.of(down("a", "0/100"), new Standby("b", true, true, true, Lsn.parse("0/100")));
        assertThat(SyncPlanner.next(state(Set.of("a"), Set.of("a"), Set.of("a"), "0/10"), none, 1, true))
                .isInstanceOf(Step.Done.class);
    }

    @Test
    void aStrictPrimaryWaitingForAnyStandbyGetsANamedOneThroughTheUsualSteps() {
        Set<String> any = Set.of(SyncSet.ANY_STANDBY);
        List<Standby> b = List.of(standby("b", "0/100"));
        assertThat(SyncPlanner.next(state(Set.of(), Set.of(), any, null), List.of(down("b", "0/100")), 1, true))
                .as("no standby qualifies: the primary keeps waiting for any standby")
                .isInstanceOf(Step.Done.class);
        Step.Write first = write(SyncPlanner.next(state(Set.of(), Set.of(), any, null), b, 1, true));
        assertThat(first.target()).containsExactly("b");
        assertThat(first.promotable()).isEmpty();
        assertThat(SyncPlanner.next(state(Set.of("b"), Set.of(), any, null), b, 1, true))
                .as("'*' is not the target: b is not promotable before the primary names it")
                .isInstanceOf(Step.Wait.class);
        assertThat(write(SyncPlanner.next(state(Set.of("b"), Set.of(), Set.of("b"), "0/100"), b, 1, true))
                        .promotable())
                .containsExactly("b");
    }

    // --- next, under a primary that keeps committing ---

    /** The sync standby a fails; b (faster than the commits) takes over, c (slower) is not chosen. */
    @Test
    void replacingAFailedSyncStandbyKeepsEveryAcknowledgedCommitOnEveryPromotableMember() {
        Cluster cluster = new Cluster(Set.of("a"))
                .standby("a", 5)
                .standby("b", 4)
                .standby("c", 1)
                .caughtUp();
        // when a fails, b (fast) is behind, c (slow) further behind
        cluster.flushed.put("b", cluster.primaryLsn - 40);
        cluster.flushed.put("c", cluster.primaryLsn - 60);
        cluster.run(3, 1, false); // some commits acknowledged by a
        int before = cluster.acknowledged.size();
        assertThat(before).isPositive();

        cluster.fail("a");
        List<Step.Write> writes = cluster.run(60, 1, false);

        assertThat(writes).extracting(Cluster::describe).containsExactly("T=[a] P=[]", "T=[b] P=[]", "T=[b] P=[b]");
        assertThat(cluster.waits)
                .as("the planner waited for the primary and for b")
                .isPositive();
        cluster.assertSettled(Set.of("b"));
        assertThat(cluster.acknowledged.size())
                .as("commits are acknowledged again once b replaced a")
                .isGreaterThan(before);
        cluster.drain();
    }

    @Test
    void raisingTheNodeCountAddsTheMostAdvancedStandbyAfterItCaughtUp() {
        Cluster cluster = new Cluster(Set.of("a"))
                .standby("a", 5)
                .standby("b", 3)
                .standby("c", 4)
                .caughtUp();
        // both are behind when the count changes, b more so
        cluster.flushed.put("b", cluster.primaryLsn - 30);
        cluster.flushed.put("c", cluster.primaryLsn - 20);
        cluster.run(3, 1, false);

        List<Step.Write> writes = cluster.run(60, 2, false);

        assertThat(writes).extracting(Cluster::describe).containsExactly("T=[a, c] P=[a]", "T=[a, c] P=[a, c]");
        cluster.assertSettled(Set.of("a", "c"));
        cluster.drain();
    }

    @Test
    void aNosyncTagMovesTheSetToAnotherStandby() {
        Cluster cluster =
                new Cluster(Set.of("a")).standby("a", 5).standby("b", 3).caughtUp();
        cluster.flushed.put("b", cluster.primaryLsn - 20);
        cluster.run(3, 1, false);

        cluster.nosync.add("a");
        List<Step.Write> writes = cluster.run(60, 1, false);

        assertThat(writes).extracting(Cluster::describe).containsExactly("T=[a] P=[]", "T=[b] P=[]", "T=[b] P=[b]");
        cluster.assertSettled(Set.of("b"));
        cluster.drain();
    }

    @Test
    void withoutStrictModeAndNoQualifyingStandbyCommitsGoOnAndNobodyIsPromotable() {
        Cluster cluster = new Cluster(Set.of("a")).standby("a", 5).caughtUp();
        cluster.run(3, 1, false);

        cluster.fail("a");
        List<Step.Write> writes = cluster.run(30, 1, false);

        assertThat(writes).extracting(Cluster::describe).containsExactly("T=[a] P=[]", "T=[] P=[]");
        cluster.assertSettled(Set.of());
        cluster.drain();
    }

    @Test
    void strictModeKeepsTheTargetAndBlocksCommitsUntilAStandbyQualifies() {
        Cluster cluster =
                new Cluster(Set.of("a")).standby("a", 5).standby("b", 4).caughtUp();
        cluster.run(3, 1, true);
        int before = cluster.acknowledged.size();

        cluster.fail("a");
        cluster.fail("b");
        assertThat(cluster.run(20, 1, true))
                .as("nothing to write while no standby qualifies")
                .isEmpty();
        assertThat(cluster.promotable).containsExactly("a");
        assertThat(cluster.target).containsExactly("a");
        assertThat(cluster.acknowledged).as("commits block").hasSize(before);
        assertThat(cluster.waiting).isNotEmpty();

        cluster.recover("b", 6);
        List<Step.Write> writes = cluster.run(60, 1, true);

        assertThat(writes).extracting(Cluster::describe).containsExactly("T=[a] P=[]", "T=[b] P=[]", "T=[b] P=[b]");
        cluster.assertSettled(Set.of("b"));
        assertThat(cluster.acknowledged.size()).isGreaterThan(before);
        cluster.drain();
    }

    /** The model catches an unsafe plan: making b promotable before it holds the acknowledged commits. */
    @Test
    void theModelCatchesAPromotableMemberThatMissesAnAcknowledgedCommit() {
        Cluster cluster =
                new Cluster(Set.of("a")).standby("a", 5).standby("b", 0).caughtUp();
        cluster.run(3, 1, false);
        assertThatThrownBy(() -> cluster.write(new Step.Write(Set.of("a", "b"), Set.of("a", "b"), "unsafe")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("on b");
    }

    // --- forNewLeader ---

    @Test
    void aNewLeaderKeepsThePromotableSetWithoutItselfAndWaitsForThem() {
        List<Standby> standbys = List.of(standby("a", "0/500"), standby("b", "0/500"), standby("c", "0/900"));
        Step.Write write = SyncPlanner.forNewLeader(Set.of("a", "b"), "a", standbys, 1, false);
        assertThat(write.promotable()).containsExactly("b");
        assertThat(write.target()).containsExactly("b");
        assertThat(write.why()).contains("a");
    }

    @Test
    void aNewLeaderChoosesExtraTargetsUpToTheCount() {
        List<Standby> standbys = List.of(
                standby("a", "0/500"),
                standby("b", "0/500"),
                standby("c", "0/900"),
                standby("d", "0/200"),
                new Standby("e", true, true, true, Lsn.parse("0/F00")));
        Step.Write write = SyncPlanner.forNewLeader(Set.of("a", "b"), "a", standbys, 2, false);
        assertThat(write.promotable()).containsExactly("b");
        assertThat(write.target()).containsExactlyInAnyOrder("b", "c");

        Step.Write three = SyncPlanner.forNewLeader(Set.of("a", "b"), "a", standbys, 3, false);
        assertThat(three.target()).containsExactlyInAnyOrder("b", "c", "d");

        Step.Write many = SyncPlanner.forNewLeader(Set.of("a", "b"), "a", standbys, 9, false);
        assertThat(many.target()).as("never the new leader, never nosync").containsExactlyInAnyOrder("b", "c", "d");
    }

    @Test
    void aNewLeaderKeepsEveryPromotableMemberEvenBeyondTheCountOrWhenItIsDown() {
        List<Standby> standbys = List.of(down("b", "0/500"), standby("c", "0/500"), standby("d", "0/900"));
        Step.Write write = SyncPlanner.forNewLeader(Set.of("a", "b", "c"), "a", standbys, 1, false);
        assertThat(write.promotable()).containsExactlyInAnyOrder("b", "c");
        assertThat(write.target()).containsExactlyInAnyOrder("b", "c");
    }

    /**
     * A promotable member that is down still counts towards the target, and the free places go to the
     * most advanced qualifying standbys. Many sets of names, so that the outcome cannot depend on the
     * iteration order of an unordered set.
     */
    @Test
    void aNewLeaderFillsTheFreePlacesWithTheMostAdvancedStandbys() {
        for (int i = 0; i < 24; i++) {
            String down = "down-" + i;
            String ahead = "ahead-" + i;
            String behind = "behind-" + i;
            List<Standby> standbys = List.of(down(down, "0/500"), standby(behind, "0/100"), standby(ahead, "0/900"));
            Step.Write write = SyncPlanner.forNewLeader(Set.of("leader", down), "leader", standbys, 2, false);
            assertThat(write.promotable()).containsExactly(down);
            assertThat(write.target())
                    .as("the target for count 2 with %s down, %s at 0/900 and %s at 0/100", down, ahead, behind)
                    .containsExactlyInAnyOrder(down, ahead);
        }
    }

    @Test
    void aNewLeaderWithNothingPromotableWaitsForNobodyUnlessStrict() {
        List<Standby> standbys =
                List.of(down("b", "0/500"), down("c", "0/500"), new Standby("d", true, true, true, Lsn.parse("0/900")));
        Step.Write lax = SyncPlanner.forNewLeader(Set.of("a"), "a", standbys, 1, false);
        assertThat(lax.promotable()).isEmpty();
        assertThat(lax.target()).isEmpty();

        Step.Write strict = SyncPlanner.forNewLeader(Set.of("a"), "a", standbys, 1, true);
        assertThat(strict.promotable()).isEmpty();
        assertThat(strict.target())
                .as("strict: someone to wait for, never nosync")
                .containsExactly("b");
    }

    /**
     * The primary p fails with P = T = {a, b}; a takes over with the set forNewLeader chose (applied
     * from its first commit), and the planner then makes the extra target promotable.
     */
    @Test
    void afterAFailoverThePromotableSetStillHoldsEveryAcknowledgedCommit() {
        Cluster old = new Cluster(Set.of("a", "b"))
                .standby("a", 5)
                .standby("b", 3)
                .standby("c", 4)
                .caughtUp();
        old.flushed.put("c", old.primaryLsn - 30);
        old.run(5, 2, false);
        assertThat(old.acknowledged).isNotEmpty();

        // p is lost; its standbys keep what they flushed. a is the new leader: a member of P.
        List<Standby> standbys =
                old.standbys().stream().filter(s -> !s.name().equals("a")).toList();
        Step.Write plan = SyncPlanner.forNewLeader(old.promotable, "a", old.standbys(), 2, false);
        assertThat(plan.promotable()).containsExactly("b");
        assertThat(plan.target()).containsExactlyInAnyOrder("b", "c");

        long start = old.flushed.get("a");
        Cluster cluster = new Cluster(plan.target(), plan.promotable(), start);
        for (Standby s : standbys) {
            // WAL a standby has beyond the new leader's position is not on the new timeline.
            cluster.standby(s.name(), old.speed.get(s.name()));
            cluster.flushed.put(s.name(), Math.min(old.flushed.get(s.name()), start));
        }
        cluster.acknowledged.addAll(old.acknowledged);
        cluster.assertInvariant();

        List<Step.Write> writes = cluster.run(60, 2, false);

        assertThat(writes).extracting(Cluster::describe).containsExactly("T=[b, c] P=[b, c]");
        cluster.assertSettled(Set.of("b", "c"));
        cluster.drain();
    }

    // --- maximum_lag_on_syncnode ---

    @Test
    void laggingIsMeasuredFromTheMostAdvancedStandbyOrFromThePrimaryWhenThereIsOnlyOne() {
        List<Standby> three = List.of(standby("a", "0/1000"), standby("b", "0/1800"), standby("c", "0/1000"));
        assertThat(SyncPlanner.lagging(three, Lsn.parse("0/9000"), 0x800)).isEmpty();
        assertThat(SyncPlanner.lagging(three, Lsn.parse("0/9000"), 0x7ff)).containsExactlyInAnyOrder("a", "c");
        List<Standby> one = List.of(standby("a", "0/1000"), down("b", "0/9000"));
        assertThat(SyncPlanner.lagging(one, Lsn.parse("0/1800"), 0x800)).isEmpty();
        assertThat(SyncPlanner.lagging(one, Lsn.parse("0/1801"), 0x800)).containsExactly("a");
    }

    @Test
    void laggingIsOffAtZeroOrBelowAndIgnoresStandbysThatDoNotQualify() {
        List<Standby> standbys = List.of(
                standby("a", "0/1000"),
                standby("b", "0/90000"),
                new Standby("nosync", true, true, true, Lsn.parse("0/99000")),
                down("down", "0/99000"));
        assertThat(SyncPlanner.lagging(standbys, Lsn.parse("0/99000"), -1)).isEmpty();
        assertThat(SyncPlanner.lagging(standbys, Lsn.parse("0/99000"), 0)).isEmpty();
        // b, not the nosync or the down member, is the reference
        assertThat(SyncPlanner.lagging(standbys, Lsn.parse("0/99000"), 1)).containsExactly("a");
    }

    @Test
    void aLaggingSynchronousStandbyIsSwappedForOneThatIsNotThroughTheSafeSteps() {
        List<Standby> standbys = List.of(standby("a", "0/1000"), standby("b", "0/90000"));
        Set<String> lagging = SyncPlanner.lagging(standbys, Lsn.parse("0/90000"), 1024);
        assertThat(lagging).containsExactly("a");
        SyncState aSync = state(Set.of("a"), Set.of("a"), Set.of("a"), "0/800");
        assertThat(SyncPlanner.next(aSync, standbys, 1, false))
                .as("without the limit the current one is kept")
                .isInstanceOf(Step.Done.class);

        Step shrink = SyncPlanner.next(aSync, standbys, 1, false, lagging);
        assertThat(shrink).isEqualTo(new Step.Write(Set.of("a"), Set.of(), "remove [a] from the promotable set"));
        Step retarget =
                SyncPlanner.next(state(Set.of("a"), Set.of(), Set.of("a"), "0/800"), standbys, 1, false, lagging);
        assertThat(retarget)
                .isEqualTo(new Step.Write(Set.of("b"), Set.of(), "the primary should wait for [b] instead of [a]"));
        Step grow = SyncPlanner.next(state(Set.of("b"), Set.of(), Set.of("b"), "0/90000"), standbys, 1, false, lagging);
        assertThat(grow).isInstanceOf(Step.Write.class);
        assertThat(write(grow).promotable()).containsExactly("b");
    }

    @Test
    void aLaggingSynchronousStandbyIsKeptWhenNoOtherQualifies() {
        List<Standby> standbys = List.of(standby("a", "0/1000"), down("b", "0/90000"));
        Set<String> lagging = SyncPlanner.lagging(standbys, Lsn.parse("0/90000"), 1024);
        assertThat(lagging).containsExactly("a");
        assertThat(SyncPlanner.next(state(Set.of("a"), Set.of("a"), Set.of("a"), "0/800"), standbys, 1, false, lagging))
                .isInstanceOf(Step.Done.class);
        assertThat(SyncPlanner.choose(Set.of(), standbys, 1, lagging)).containsExactly("a");
    }

    @Test
    void withTwoSynchronousStandbysOnlyTheLaggingOneIsSwapped() {
        List<Standby> standbys = List.of(standby("a", "0/1000"), standby("b", "0/90000"), standby("c", "0/80000"));
        Set<String> lagging = SyncPlanner.lagging(standbys, Lsn.parse("0/90000"), 0x20000);
        assertThat(lagging).containsExactly("a");
        assertThat(SyncPlanner.choose(Set.of("a", "b"), standbys, 2, lagging)).containsExactlyInAnyOrder("b", "c");
    }

    // --- helpers ---

    private static Standby standby(String name, String flush) {
        return new Standby(name, true, true, false, Lsn.parse(flush));
    }

    private static Standby down(String name, String flush) {
        return new Standby(name, false, false, false, Lsn.parse(flush));
    }

    private static SyncState state(Set<String> target, Set<String> promotable, Set<String> applied, String at) {
        return new SyncState(target, promotable, applied, at == null ? null : Lsn.parse(at));
    }

    private static Step.Write write(Step step) {
        return (Step.Write) step;
    }

    /**
     * A primary and its standbys. WAL positions are numbers; each commit takes the next one. The primary
     * applies {@code FIRST n (P ∪ T)} as {@code /sync} was {@link #APPLY_DELAY} ticks earlier, and
     * reports its position {@link #SETTLE} ticks after it applied a set. Each standby streams at its
     * own speed (bytes per tick, 0 when failed).
     */
    private static final class Cluster {
        static final int APPLY_DELAY = 2;
        static final int SETTLE = 1;
        static final int COMMITS_PER_TICK = 2;

        Set<String> target;
        Set<String> promotable;
        Set<String> applied;
        Long appliedAt;
        int settle;
        long primaryLsn;
        final Deque<Set<String>> reload = new ArrayDeque<>();
        final Map<String, Long> flushed = new LinkedHashMap<>();
        final Map<String, Integer> speed = new LinkedHashMap<>();
        final Set<String> nosync = new TreeSet<>();
        final TreeSet<Long> waiting = new TreeSet<>();
        final List<Long> acknowledged = new ArrayList<>();
        int waits;

        /** A primary that applied {@code sync} long ago, as target and promotable set. */
        Cluster(Set<String> sync) {
            this(sync, sync, 100);
            appliedAt = primaryLsn;
        }

        /** A new primary at {@code lsn} that applies P ∪ T from its first commit. */
        Cluster(Set<String> target, Set<String> promotable, long lsn) {
            this.target = Set.copyOf(target);
            this.promotable = Set.copyOf(promotable);
            this.applied = union(target, promotable);
            this.primaryLsn = lsn;
            this.settle = SETTLE;
        }

        Cluster standby(String name, int bytesPerTick) {
            speed.put(name, bytesPerTick);
            flushed.put(name, 0L);
            return this;
        }

        Cluster caughtUp() {
            flushed.replaceAll((name, lsn) -> primaryLsn);
            return this;
        }

        void fail(String name) {
            speed.put(name, 0);
        }

        void recover(String name, int bytesPerTick) {
            speed.put(name, bytesPerTick);
        }

        SyncState state() {
            return new SyncState(target, promotable, applied, appliedAt == null ? null : new Lsn(appliedAt));
        }

        List<Standby> standbys() {
            return flushed.keySet().stream()
                    .map(n -> new Standby(
                            n, speed.get(n) > 0, speed.get(n) > 0, nosync.contains(n), new Lsn(flushed.get(n))))
                    .toList();
        }

        /** {@code rounds} decisions, each followed by a tick of the world; returns the writes. */
        List<Step.Write> run(int rounds, int count, boolean strict) {
            List<Step.Write> writes = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Step step = SyncPlanner.next(state(), standbys(), count, strict);
                if (step instanceof Step.Write w) {
                    write(w);
                    writes.add(w);
                } else if (step instanceof Step.Wait) {
                    waits++;
                }
                tick();
            }
            return writes;
        }

        /** The coordinator's compare-and-set of {@code /sync}. */
        void write(Step.Write w) {
            target = Set.copyOf(w.target());
            promotable = Set.copyOf(w.promotable());
            assertInvariant();
        }

        /** Between two decisions: the primary reloads, commits, and the standbys stream. */
        void tick() {
            reload.addLast(union(target, promotable));
            if (reload.size() > APPLY_DELAY) {
                Set<String> next = reload.removeFirst();
                if (!next.equals(applied)) {
                    applied = next;
                    appliedAt = null;
                    settle = SETTLE;
                    release();
                }
            }
            for (int i = 0; i < COMMITS_PER_TICK; i++) {
                primaryLsn++;
                waiting.add(primaryLsn);
                release();
                if (appliedAt == null && settle == 0) {
                    // reported a moment after it applied the set: commits have happened since
                    appliedAt = primaryLsn;
                }
            }
            if (appliedAt == null && settle > 0) {
                settle--;
            }
            stream();
        }

        private void stream() {
            for (String name : flushed.keySet()) {
                flushed.put(name, Math.min(primaryLsn, flushed.get(name) + speed.get(name)));
                release();
            }
        }

        /** Acknowledges every waiting commit that every applied member has flushed. */
        private void release() {
            long upTo = applied.stream().mapToLong(flushed::get).min().orElse(primaryLsn);
            while (!waiting.isEmpty() && waiting.first() <= upTo) {
                acknowledged.add(waiting.pollFirst());
            }
            assertInvariant();
        }

        void assertInvariant() {
            long highest =
                    acknowledged.stream().mapToLong(Long::longValue).max().orElse(0);
            for (String member : promotable) {
                assertThat(flushed.get(member))
                        .as(
                                "every acknowledged commit (up to %d) is on %s (P=%s, T=%s, applied=%s, flushed=%s)",
                                highest, member, promotable, target, applied, flushed)
                        .isGreaterThanOrEqualTo(highest);
            }
        }

        /** The planner is done, the primary applied {@code expected}, and it is the promotable set. */
        void assertSettled(Set<String> expected) {
            assertThat(SyncPlanner.next(state(), standbys(), Math.max(1, expected.size()), false))
                    .isInstanceOf(Step.Done.class);
            assertThat(promotable).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(target).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(applied).containsExactlyInAnyOrderElementsOf(expected);
        }

        /** With no more commits, every waiting commit is acknowledged once the applied members catch up. */
        void drain() {
            for (int i = 0; i < 100 && !waiting.isEmpty(); i++) {
                stream();
            }
            assertThat(waiting).as("commits still waiting").isEmpty();
            assertInvariant();
        }

        static String describe(Step.Write w) {
            return "T=" + w.target().stream().sorted().toList() + " P="
                    + w.promotable().stream().sorted().toList();
        }

        private static Set<String> union(Set<String> a, Set<String> b) {
            Set<String> all = new TreeSet<>(a);
            all.addAll(b);
            return Set.copyOf(all);
        }
    }
}
