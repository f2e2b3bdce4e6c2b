package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.coordinator.decide.SyncPlanner.Standby;
import io.pgha.coordinator.decide.SyncPlanner.Step;
import io.pgha.coordinator.decide.SyncPlanner.SyncState;
import io.pgha.events.Lsn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyncPlannerTest {
    @Test
    void nothingToDoWhenTheSetIsAppliedAndPromotable() {
        SyncState state = new SyncState(Set.of("a"), Set.of("a"), Set.of("a"), Lsn.parse("0/100"));
        assertThat(SyncPlanner.next(state, List.of(standby("a", true, "0/200"), standby("b", true, "0/200")), 1))
                .isInstanceOf(Step.Done.class);
    }

    @Test
    void nosyncUnhealthyAndNotStreamingStandbysAreNeverChosen() {
        List<Standby> standbys = List.of(
                new Standby("nosync", true, true, true, Lsn.parse("0/900")),
                new Standby("sick", false, true, false, Lsn.parse("0/900")),
                new Standby("idle", true, false, false, Lsn.parse("0/900")),
                new Standby("ok", true, true, false, Lsn.parse("0/100")));
        assertThat(SyncPlanner.choose(Set.of(), standbys, 2)).containsExactly("ok");
    }

    @Test
    void currentSynchronousStandbysAreKeptWhileTheyQualify() {
        List<Standby> standbys = List.of(standby("a", true, "0/100"), standby("b", true, "0/900"));
        assertThat(SyncPlanner.choose(Set.of("a"), standbys, 1)).containsExactly("a");
        assertThat(SyncPlanner.choose(Set.of(), standbys, 1)).containsExactly("b");
    }

    /**
     * Replacing a failed synchronous standby a by b, step by step, with a primary that keeps
     * committing: at every moment every acknowledged commit is on a member of the promotable set.
     */
    @Test
    void replacingTheSyncStandbyNeverLeavesAnAcknowledgedCommitOutsideThePromotableSet() {
        Cluster cluster = new Cluster(Set.of("a"));
        cluster.commit(5); // acknowledged by a
        cluster.healthy.put("a", false); // a stops: its WAL stays at what it had
        cluster.healthy.put("b", true);

        List<String> steps = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            Step step = SyncPlanner.next(cluster.state(), cluster.standbys(), 1);
            cluster.assertInvariant();
            if (step instanceof Step.Done) {
                break;
            }
            steps.add(step.getClass().getSimpleName());
            if (step instanceof Step.Write write) {
                cluster.target = write.target();
                cluster.promotable = write.promotable();
            }
            // The world moves on between two decisions: the primary applies what /sync says,
            // commits more, and b catches up a little.
            cluster.primaryApplies();
            cluster.commit(2);
            cluster.assertInvariant();
            cluster.streamTo("b", 3);
        }

        assertThat(cluster.promotable).containsExactly("b");
        assertThat(cluster.applied).containsExactly("b");
        assertThat(steps).first().isEqualTo("Write");
        cluster.assertInvariant();
    }

    @Test
    void theStepsOfAReplacementComeInTheSafeOrder() {
        List<Standby> aDownBUp = List.of(standby("a", false, "0/100"), standby("b", true, "0/80"));

        Step grow =
                SyncPlanner.next(new SyncState(Set.of("a"), Set.of("a"), Set.of("a"), Lsn.parse("0/10")), aDownBUp, 1);
        assertThat(grow)
                .isEqualTo(new Step.Write(
                        Set.of("a"),
                        Set.of("a", "b"),
                        "add [b] to the promotable set before the primary waits for them"));

        Step retarget = SyncPlanner.next(
                new SyncState(Set.of("a"), Set.of("a", "b"), Set.of("a"), Lsn.parse("0/10")), aDownBUp, 1);
        assertThat(retarget).isInstanceOf(Step.Write.class);
        assertThat(((Step.Write) retarget).target()).containsExactly("b");
        assertThat(((Step.Write) retarget).promotable()).containsExactlyInAnyOrder("a", "b");

        Step notApplied = SyncPlanner.next(
                new SyncState(Set.of("b"), Set.of("a", "b"), Set.of("a"), Lsn.parse("0/10")), aDownBUp, 1);
        assertThat(notApplied).isInstanceOf(Step.Wait.class);

        Step behind = SyncPlanner.next(
                new SyncState(Set.of("b"), Set.of("a", "b"), Set.of("b"), Lsn.parse("0/90")), aDownBUp, 1);
        assertThat(behind).isInstanceOf(Step.Wait.class);
        assertThat(((Step.Wait) behind).why()).contains("b has not yet flushed up to 0/90");

        Step shrink = SyncPlanner.next(
                new SyncState(Set.of("b"), Set.of("a", "b"), Set.of("b"), Lsn.parse("0/80")), aDownBUp, 1);
        assertThat(shrink).isInstanceOf(Step.Write.class);
        assertThat(((Step.Write) shrink).promotable()).containsExactly("b");
    }

    @Test
    void withNoQualifyingStandbyNobodyStaysPromotableOnceTheEmptySetIsApplied() {
        List<Standby> none = List.of(standby("a", false, "0/100"));
        Step target =
                SyncPlanner.next(new SyncState(Set.of("a"), Set.of("a"), Set.of("a"), Lsn.parse("0/10")), none, 1);
        assertThat(target)
                .isEqualTo(new Step.Write(Set.of(), Set.of("a"), "the primary should wait for [] instead of [a]"));
        Step shrink = SyncPlanner.next(new SyncState(Set.of(), Set.of("a"), Set.of(), Lsn.parse("0/10")), none, 1);
        assertThat(shrink)
                .isEqualTo(new Step.Write(
                        Set.of(),
                        Set.of(),
                        "remove [a] from the promotable set: every commit they acknowledged is now on []"));
    }

    private static Standby standby(String name, boolean healthy, String flush) {
        return new Standby(name, healthy, healthy, false, Lsn.parse(flush));
    }

    /** A primary with standbys a and b, commits as LSNs 1, 2, 3, ... (ANY 1 of the applied set). */
    private static final class Cluster {
        Set<String> target;
        Set<String> promotable;
        Set<String> applied;
        long appliedAt;
        long primaryLsn;
        final Map<String, Long> flushed = new HashMap<>(Map.of("a", 0L, "b", 0L));
        final Map<String, Boolean> healthy = new HashMap<>(Map.of("a", true, "b", false));
        final List<Long> acknowledged = new ArrayList<>();

        Cluster(Set<String> sync) {
            target = sync;
            promotable = sync;
            applied = sync;
        }

        SyncState state() {
            return new SyncState(target, promotable, applied, new Lsn(appliedAt));
        }

        List<Standby> standbys() {
            return flushed.keySet().stream()
                    .sorted()
                    .map(n -> new Standby(n, healthy.get(n), healthy.get(n), false, new Lsn(flushed.get(n))))
                    .toList();
        }

        void primaryApplies() {
            if (!applied.equals(target)) {
                applied = target;
                appliedAt = primaryLsn;
            }
        }

        /** Writes {@code count} commits; each is acknowledged once a healthy applied standby has it. */
        void commit(int count) {
            for (int i = 0; i < count; i++) {
                primaryLsn++;
                for (String standby : applied) {
                    if (healthy.get(standby)) {
                        flushed.put(standby, primaryLsn);
                        acknowledged.add(primaryLsn);
                        break;
                    }
                }
            }
        }

        void streamTo(String standby, long step) {
            if (healthy.get(standby)) {
                flushed.put(standby, Math.min(primaryLsn, flushed.get(standby) + step));
            }
        }

        void assertInvariant() {
            for (long commit : acknowledged) {
                assertThat(promotable.stream().anyMatch(member -> flushed.get(member) >= commit))
                        .as(
                                "acknowledged commit %d is on a promotable member of %s (flushed %s)",
                                commit, promotable, flushed)
                        .isTrue();
            }
        }
    }
}
