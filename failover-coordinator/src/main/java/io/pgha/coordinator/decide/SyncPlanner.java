package io.pgha.coordinator.decide;

import io.pgha.events.Lsn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Synchronous mode: which standbys the primary must wait for, and in which order {@code /sync} may
 * change so that every acknowledged commit always exists on a member the coordinator may promote.
 *
 * <p>{@code /sync} holds two sets: {@code target}, which the primary applies as
 * {@code synchronous_standby_names = ANY n (...)}, and {@code promotable}, the members a failover may
 * choose. The planner returns one step at a time; the coordinator performs it (compare-and-set in
 * etcd) and asks again with what it then observes. The argument is in the module's DESIGN.md.
 */
public final class SyncPlanner {
    private SyncPlanner() {}

    /** {@code /sync} as stored, and what the primary reports it applied. */
    public record SyncState(Set<String> target, Set<String> promotable, Set<String> applied, Lsn appliedAtLsn) {
        public SyncState {
            target = Set.copyOf(target);
            promotable = Set.copyOf(promotable);
            applied = Set.copyOf(applied);
        }
    }

    /** A replica as synchronous mode sees it. */
    public record Standby(String name, boolean healthy, boolean streaming, boolean nosync, Lsn flushLsn) {}

    /** What to do next. */
    public sealed interface Step {
        /** {@code /sync} is where it should be. */
        record Done() implements Step {}

        /** Write {@code /sync} (compare-and-set against what was read). */
        record Write(Set<String> target, Set<String> promotable, String why) implements Step {}

        /** Nothing to write yet: waiting for the primary to apply, or a standby to catch up. */
        record Wait(String why) implements Step {}
    }

    /**
     * The next step towards {@code count} synchronous standbys chosen among healthy, streaming
     * standbys without {@code nosync}; current ones are kept while they qualify.
     */
    public static Step next(SyncState state, List<Standby> standbys, int count) {
        Set<String> desired = choose(state.target(), standbys, count);
        if (!state.promotable().containsAll(desired)) {
            Set<String> grown = union(state.promotable(), desired);
            return new Step.Write(
                    state.target(),
                    grown,
                    "add " + minus(desired, state.promotable())
                            + " to the promotable set before the primary waits for them");
        }
        if (!state.target().equals(desired)) {
            return new Step.Write(
                    desired,
                    state.promotable(),
                    "the primary should wait for " + sorted(desired) + " instead of " + sorted(state.target()));
        }
        if (!state.applied().equals(desired)) {
            return new Step.Wait("the primary has not yet applied " + sorted(desired) + " (applied: "
                    + sorted(state.applied()) + ")");
        }
        if (!state.promotable().equals(desired)) {
            for (String member : desired) {
                Lsn flushed = standbys.stream()
                        .filter(s -> s.name().equals(member))
                        .map(Standby::flushLsn)
                        .findFirst()
                        .orElse(null);
                if (state.appliedAtLsn() == null || flushed == null || flushed.compareTo(state.appliedAtLsn()) < 0) {
                    return new Step.Wait(member + " has not yet flushed up to " + state.appliedAtLsn()
                            + ", where the primary applied " + sorted(desired) + " (flushed: " + flushed + ")");
                }
            }
            return new Step.Write(
                    desired,
                    desired,
                    "remove " + minus(state.promotable(), desired)
                            + " from the promotable set: every commit they acknowledged is now on " + sorted(desired));
        }
        return new Step.Done();
    }

    /** The standbys the primary should wait for: current qualifying ones first, then the most advanced. */
    static Set<String> choose(Set<String> current, List<Standby> standbys, int count) {
        List<Standby> qualifying = new ArrayList<>(standbys.stream()
                .filter(s -> s.healthy() && s.streaming() && !s.nosync())
                .toList());
        qualifying.sort(Comparator.comparing((Standby s) -> !current.contains(s.name()))
                .thenComparing(s -> s.flushLsn() == null ? Lsn.ZERO : s.flushLsn(), Comparator.reverseOrder())
                .thenComparing(Standby::name));
        Set<String> chosen = new LinkedHashSet<>();
        for (Standby standby : qualifying) {
            if (chosen.size() >= count) {
                break;
            }
            chosen.add(standby.name());
        }
        return Set.copyOf(chosen);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static List<String> minus(Set<String> a, Set<String> b) {
        return a.stream().filter(x -> !b.contains(x)).sorted().toList();
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }
}
