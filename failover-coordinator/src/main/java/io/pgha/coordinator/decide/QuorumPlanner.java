package io.pgha.coordinator.decide;

import io.pgha.coordinator.decide.QuorumRule.Applied;
import io.pgha.coordinator.decide.QuorumRule.Recorded;
import io.pgha.coordinator.decide.SyncPlanner.Standby;
import io.pgha.events.Lsn;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Quorum commit ({@code synchronous_mode: quorum}, carried out by {@code run/SyncKeeper}): the next change of {@code /sync} towards {@code ANY k
 * (every qualifying standby)}, in the order of the module's DESIGN.md, "Quorum commit": weaken the
 * record first, then change what the primary is to apply, strengthen the record last. One step a
 * call, as {@link SyncPlanner}.
 */
public final class QuorumPlanner {
    private QuorumPlanner() {}

    /**
     * {@code /sync} as stored and what the primary reports.
     *
     * @param recorded the voters and k_r
     * @param target what the primary is to apply
     * @param applied what the primary reports it applies
     * @param appliedAtLsn the primary's position at least a settle time after it applied {@code applied}
     *     ({@link SyncPlanner#settle}; null until then)
     */
    public record State(Recorded recorded, Applied target, Applied applied, Lsn appliedAtLsn) {}

    /** What to do next. */
    public sealed interface Step {
        record Done() implements Step {}

        record Write(Recorded recorded, Applied target, String why) implements Step {}

        record Wait(String why) implements Step {}
    }

    /** The next step towards {@code ANY min(count, n) (the n qualifying standbys)}. */
    public static Step next(State state, List<Standby> standbys, int count, Set<String> lagging) {
        Applied desired = desired(standbys, count, lagging);
        Recorded recorded = state.recorded();
        // 1. weaken the record until it covers what is applied and what is to be applied
        if (!QuorumRule.covers(recorded, state.applied())
                || !QuorumRule.covers(recorded, state.target())
                || !QuorumRule.covers(recorded, desired)) {
            Set<String> voters = new TreeSet<>(recorded.voters());
            voters.addAll(state.applied().members());
            voters.addAll(state.target().members());
            voters.addAll(desired.members());
            int k = Math.min(
                    recorded.k(),
                    Math.min(
                            Math.min(cover(state.applied(), voters), cover(state.target(), voters)),
                            cover(desired, voters)));
            Recorded weaker = new Recorded(voters, k);
            return new Step.Write(weaker, state.target(), "record " + describe(weaker) + " before the primary changes");
        }
        // 2. what the primary is to apply
        if (!state.target().equals(desired)) {
            return new Step.Write(recorded, desired, "the primary should apply " + describe(desired));
        }
        Recorded strongest = new Recorded(desired.members(), desired.k());
        if (recorded.equals(strongest)) {
            return new Step.Done();
        }
        // 3. strengthen the record once the primary applies the target and enough voters hold L
        if (!state.applied().equals(desired)) {
            return new Step.Wait("the primary has not yet applied " + describe(desired));
        }
        if (state.appliedAtLsn() == null) {
            return new Step.Wait("waiting for the primary's position after it applied " + describe(desired));
        }
        long holding = standbys.stream()
                .filter(s -> desired.members().contains(s.name()))
                .filter(s -> s.flushLsn() != null && s.flushLsn().compareTo(state.appliedAtLsn()) >= 0)
                .count();
        if (holding < desired.k()) {
            return new Step.Wait(
                    holding + " of the voters flushed up to " + state.appliedAtLsn() + ", " + desired.k() + " needed");
        }
        return new Step.Write(
                strongest,
                desired,
                "record " + describe(strongest) + ": the primary applies it and " + holding + " voters hold "
                        + state.appliedAtLsn());
    }

    /**
     * {@code /sync} written with a failover winner's leader key (as {@link SyncPlanner#forNewLeader}):
     * the winner leaves the voters (it is the primary now, so k_r drops by one: every commit acknowledged
     * before is on k_r - 1 of the others), the other voters stay and are what the new primary waits for,
     * topped up to {@code count} with qualifying standbys; the record is weakened further until it
     * covers that target (condition C), so it holds from the first commit of the new primary.
     *
     * @param recorded the voters and k_r of the lost primary's record
     * @param winner the member being promoted
     * @param standbys every member but the lost primary
     * @param count synchronous_node_count (k_a)
     */
    public static Step.Write forNewLeader(Recorded recorded, String winner, List<Standby> standbys, int count) {
        Set<String> kept = new TreeSet<>(recorded.voters());
        kept.remove(winner);
        List<Standby> others =
                standbys.stream().filter(s -> !s.name().equals(winner)).toList();
        Set<String> target = new TreeSet<>(kept);
        for (String extra : SyncPlanner.choose(kept, others, count)) {
            if (target.size() >= count) {
                break;
            }
            target.add(extra);
        }
        Applied applied = new Applied(target, Math.min(count, target.size()));
        Set<String> voters = new TreeSet<>(kept);
        voters.addAll(target);
        int k = Math.min(
                Math.max(0, recorded.k() - (recorded.voters().contains(winner) ? 1 : 0)), cover(applied, voters));
        Recorded record = new Recorded(voters, k);
        return new Step.Write(
                record,
                applied,
                "the new leader " + winner + " applies " + describe(applied) + ", recorded " + describe(record));
    }

    /**
     * Every qualifying standby that is not lagging (the lagging ones only to make up {@code count}), with
     * k = min(count, their number).
     */
    static Applied desired(List<Standby> standbys, int count, Set<String> lagging) {
        Set<String> voters = new TreeSet<>();
        standbys.stream()
                .filter(s -> s.healthy() && s.streaming() && !s.nosync() && !lagging.contains(s.name()))
                .forEach(s -> voters.add(s.name()));
        standbys.stream()
                .filter(s -> s.healthy() && s.streaming() && !s.nosync() && lagging.contains(s.name()))
                .sorted(java.util.Comparator.comparing(
                        (Standby s) -> s.flushLsn() == null ? Lsn.ZERO : s.flushLsn(),
                        java.util.Comparator.reverseOrder()))
                .limit(Math.max(0, count - voters.size()))
                .forEach(s -> voters.add(s.name()));
        return new Applied(voters, Math.min(count, voters.size()));
    }

    private static int cover(Applied applied, Set<String> voters) {
        long outside =
                applied.members().stream().filter(m -> !voters.contains(m)).count();
        return (int) Math.max(0, applied.k() - outside);
    }

    private static String describe(Recorded r) {
        return "ANY " + r.k() + " of " + new TreeSet<>(r.voters());
    }

    private static String describe(Applied a) {
        return "ANY " + a.k() + " (" + String.join(",", new TreeSet<>(a.members())) + ")";
    }
}
