package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.coordinator.decide.QuorumPlanner.State;
import io.pgha.coordinator.decide.QuorumPlanner.Step;
import io.pgha.coordinator.decide.QuorumRule.Applied;
import io.pgha.coordinator.decide.QuorumRule.Recorded;
import io.pgha.coordinator.decide.SyncPlanner.Standby;
import io.pgha.events.Lsn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The quorum planner. The invariant checked after every step of many random runs: every acknowledged
 * commit is flushed on at least k_r of the recorded voters (so {@link QuorumRule#winner} loses none).
 */
class QuorumPlannerTest {

    @Test
    void fromNothingTheRecordFollowsThePrimaryInTheSafeOrder() {
        List<Standby> standbys = List.of(standby("a", 100), standby("b", 100), standby("c", 100));
        Applied none = new Applied(Set.of(), 0);
        State start = new State(new Recorded(Set.of(), 0), none, none, null);

        // a record of k_r = 0 covers anything: the target may change at once
        Step target = QuorumPlanner.next(start, standbys, 2, Set.of());
        assertThat(target)
                .isEqualTo(new Step.Write(
                        start.recorded(),
                        new Applied(Set.of("a", "b", "c"), 2),
                        "the primary should apply ANY 2 (a,b,c)"));
        State weakened = start;

        Applied any2 = new Applied(Set.of("a", "b", "c"), 2);
        assertThat(QuorumPlanner.next(new State(weakened.recorded(), any2, none, null), standbys, 2, Set.of()))
                .isInstanceOf(Step.Wait.class);
        assertThat(QuorumPlanner.next(new State(weakened.recorded(), any2, any2, null), standbys, 2, Set.of()))
                .isInstanceOf(Step.Wait.class);
        Step behind = QuorumPlanner.next(
                new State(weakened.recorded(), any2, any2, new Lsn(100)),
                List.of(standby("a", 100), standby("b", 90), standby("c", 90)),
                2,
                Set.of());
        assertThat(behind).isEqualTo(new Step.Wait("1 of the voters flushed up to 0/64, 2 needed"));
        Step strengthen =
                QuorumPlanner.next(new State(weakened.recorded(), any2, any2, new Lsn(100)), standbys, 2, Set.of());
        assertThat(strengthen).isInstanceOf(Step.Write.class);
        assertThat(((Step.Write) strengthen).recorded()).isEqualTo(new Recorded(Set.of("a", "b", "c"), 2));
        assertThat(QuorumPlanner.next(
                        new State(new Recorded(Set.of("a", "b", "c"), 2), any2, any2, new Lsn(100)),
                        standbys,
                        2,
                        Set.of()))
                .isInstanceOf(Step.Done.class);
    }

    @Test
    void aNewVoterIsRecordedWithALowerKBeforeThePrimaryMayCountOnIt() {
        // ANY 1 of {a, b} recorded and applied; c appears: ANY 1 (a,b,c) would let c alone acknowledge
        Recorded ab = new Recorded(Set.of("a", "b"), 1);
        Applied anyOfAb = new Applied(Set.of("a", "b"), 1);
        List<Standby> standbys = List.of(standby("a", 100), standby("b", 100), standby("c", 100));
        Step weaken = QuorumPlanner.next(new State(ab, anyOfAb, anyOfAb, new Lsn(100)), standbys, 1, Set.of());
        assertThat(weaken).isInstanceOf(Step.Write.class);
        assertThat(((Step.Write) weaken).recorded()).isEqualTo(new Recorded(Set.of("a", "b", "c"), 1));
        assertThat(((Step.Write) weaken).target()).isEqualTo(anyOfAb);
        // with ANY 2 of {a, b} recorded, adding c as a voter keeps k: 2 of {a, b, c} still hold each commit
        Recorded ab2 = new Recorded(Set.of("a", "b"), 2);
        Applied bothOfAb = new Applied(Set.of("a", "b"), 2);
        Step lower = QuorumPlanner.next(new State(ab2, bothOfAb, bothOfAb, new Lsn(100)), standbys, 2, Set.of());
        assertThat(((Step.Write) lower).recorded()).isEqualTo(new Recorded(Set.of("a", "b", "c"), 2));
    }

    @Test
    void aLaggingStandbyLeavesTheVotersWhenOthersAreEnough() {
        List<Standby> standbys = List.of(standby("a", 100), standby("b", 100), standby("c", 10));
        assertThat(QuorumPlanner.desired(standbys, 1, Set.of("c"))).isEqualTo(new Applied(Set.of("a", "b"), 1));
        assertThat(QuorumPlanner.desired(standbys, 3, Set.of("c"))).isEqualTo(new Applied(Set.of("a", "b", "c"), 3));
        assertThat(QuorumPlanner.desired(List.of(down("a", 100), standby("b", 100)), 2, Set.of()))
                .isEqualTo(new Applied(Set.of("b"), 1));
    }

    @Test
    void everyAcknowledgedCommitStaysOnKRecordedVotersInRandomRuns() {
        int steps = 0;
        for (long seed = 0; seed < 300; seed++) {
            steps += new Model(new Random(seed)).run(200);
        }
        assertThat(steps).as("writes to /sync over all runs").isGreaterThan(1000);
    }

    /** A primary with 4 standbys whose health changes at random, and /sync kept by the planner. */
    private static final class Model {
        private static final List<String> NAMES = List.of("a", "b", "c", "d");
        private final Random random;
        private final Map<String, Long> flushed = new HashMap<>();
        private final Set<String> healthy = new HashSet<>(NAMES);
        private final List<Long> acknowledged = new ArrayList<>();
        private long primaryLsn;
        private Recorded recorded = new Recorded(Set.of(), 0);
        private Applied target = new Applied(Set.of(), 0);
        private Applied applied = target;
        private Applied previous = target; // still in force at some walsenders right after a change
        private int sinceApplied;
        private Lsn appliedAtLsn;

        Model(Random random) {
            this.random = random;
            NAMES.forEach(n -> flushed.put(n, 0L));
        }

        int run(int ticks) {
            int writes = 0;
            for (int t = 0; t < ticks; t++) {
                int count = 1 + random.nextInt(3);
                if (random.nextInt(10) == 0) {
                    String n = NAMES.get(random.nextInt(NAMES.size()));
                    if (!healthy.remove(n)) {
                        healthy.add(n);
                    }
                }
                primaryLsn++;
                for (String n : NAMES) {
                    if (healthy.contains(n) && random.nextInt(3) > 0) {
                        flushed.put(n, Math.min(primaryLsn, flushed.get(n) + 1 + random.nextInt(3)));
                    }
                }
                acknowledge();
                if (!applied.equals(target) && random.nextBoolean()) {
                    previous = applied;
                    applied = target;
                    sinceApplied = 0;
                    appliedAtLsn = null;
                } else if (++sinceApplied == 2) {
                    previous = applied;
                    appliedAtLsn = new Lsn(primaryLsn);
                }
                List<Standby> standbys = NAMES.stream()
                        .map(n -> new Standby(
                                n, healthy.contains(n), healthy.contains(n), false, new Lsn(flushed.get(n))))
                        .toList();
                Set<String> lagging = random.nextInt(4) == 0 ? Set.of(NAMES.get(random.nextInt(4))) : Set.of();
                Step step = QuorumPlanner.next(
                        new State(recorded, target, applied, appliedAtLsn), standbys, count, lagging);
                if (step instanceof Step.Write w) {
                    recorded = w.recorded();
                    target = w.target();
                    writes++;
                }
                assertInvariant();
            }
            return writes;
        }

        /** Commits up to the primary's position that the applied (or previous) set acknowledges. */
        private void acknowledge() {
            long from = acknowledged.isEmpty() ? 1 : acknowledged.get(acknowledged.size() - 1) + 1;
            for (long x = from; x <= primaryLsn; x++) {
                if (acks(applied, x) || acks(previous, x)) {
                    acknowledged.add(x);
                } else {
                    break;
                }
            }
        }

        private boolean acks(Applied a, long x) {
            long holders = a.members().stream().filter(m -> flushed.get(m) >= x).count();
            return holders >= a.k();
        }

        private void assertInvariant() {
            for (long x : acknowledged) {
                long holders = recorded.voters().stream()
                        .filter(v -> flushed.get(v) >= x)
                        .count();
                assertThat(holders)
                        .as(
                                "commit %d on the recorded voters %s (ANY %d), flushed %s",
                                x, recorded.voters(), recorded.k(), flushed)
                        .isGreaterThanOrEqualTo(recorded.k());
            }
        }
    }

    private static Standby standby(String name, long flushed) {
        return new Standby(name, true, true, false, new Lsn(flushed));
    }

    private static Standby down(String name, long flushed) {
        return new Standby(name, false, false, false, new Lsn(flushed));
    }

    @Test
    void aNewLeaderLeavesTheVotersAndWaitsForTheOthersWithARecordThatCoversIt() {
        Recorded old = new Recorded(Set.of("a", "b"), 1);
        List<Standby> notStreaming = List.of(down("a", 100), down("b", 90));
        Step.Write write = QuorumPlanner.forNewLeader(old, "a", notStreaming, 1);
        assertThat(write.recorded()).isEqualTo(new Recorded(Set.of("b"), 0));
        assertThat(write.target()).isEqualTo(new Applied(Set.of("b"), 1));
        assertThat(QuorumRule.covers(write.recorded(), write.target())).isTrue();
        assertThat(QuorumRule.weakens(old, write.recorded())).isTrue();

        // three voters, k_r 2, count 2: the two others stay, one of them still holds every older commit
        Recorded three = new Recorded(Set.of("a", "b", "c"), 2);
        Step.Write w3 = QuorumPlanner.forNewLeader(three, "c", List.of(down("a", 1), down("b", 1), down("c", 1)), 2);
        assertThat(w3.recorded()).isEqualTo(new Recorded(Set.of("a", "b"), 1));
        assertThat(w3.target()).isEqualTo(new Applied(Set.of("a", "b"), 2));

        // no voter left besides the winner: streaming standbys make up the count, the record is empty-handed
        Step.Write grown = QuorumPlanner.forNewLeader(
                new Recorded(Set.of("a"), 1), "a", List.of(standby("x", 5), standby("y", 7), down("z", 9)), 1);
        assertThat(grown.target()).isEqualTo(new Applied(Set.of("y"), 1));
        assertThat(grown.recorded()).isEqualTo(new Recorded(Set.of("y"), 0));
    }

    @Test
    void everyNewLeaderRecordWeakensTheOldOneAndCoversItsTarget() {
        Random random = new Random(7);
        List<String> names = List.of("a", "b", "c", "d");
        for (int run = 0; run < 300; run++) {
            Set<String> voters = new HashSet<>();
            for (String n : names) {
                if (random.nextBoolean()) {
                    voters.add(n);
                }
            }
            Recorded old = new Recorded(voters, voters.isEmpty() ? 0 : random.nextInt(voters.size() + 1));
            List<Standby> standbys = new ArrayList<>();
            for (String n : names) {
                standbys.add(new Standby(
                        n,
                        random.nextBoolean(),
                        random.nextBoolean(),
                        random.nextInt(4) == 0,
                        new Lsn(random.nextInt(100))));
            }
            String winner = names.get(random.nextInt(names.size()));
            int count = 1 + random.nextInt(3);
            Step.Write w = QuorumPlanner.forNewLeader(old, winner, standbys, count);
            assertThat(w.recorded().voters()).doesNotContain(winner);
            assertThat(w.target().members()).doesNotContain(winner);
            assertThat(QuorumRule.covers(w.recorded(), w.target()))
                    .as("C for " + w)
                    .isTrue();
            Set<String> kept = new HashSet<>(old.voters());
            kept.remove(winner);
            // as far as commits acknowledged before go: on k_r of V, so on k_r - 1 of V without the winner
            assertThat(w.recorded().k())
                    .as(old + " -> " + w)
                    .isLessThanOrEqualTo(Math.max(0, old.k() - (old.voters().contains(winner) ? 1 : 0)));
            assertThat(w.recorded().voters()).containsAll(kept);
        }
    }
}
