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
 * change so that every member a failover may choose holds every acknowledged commit.
 *
 * <p>{@code /sync} holds two sets: {@code promotable} (P, Patroni's {@code sync_standby}: the members a
 * failover may choose) and {@code target} (T: the members the primary should wait for). The primary's
 * agent applies {@code FIRST n (P ∪ T)}. The planner returns one step at a time; the coordinator
 * performs it (compare-and-set in etcd) and asks again with what it then observes. The argument is in
 * the module's DESIGN.md.
 */
public final class SyncPlanner {
    private SyncPlanner() {}

    /**
     * {@code /sync} as stored, and what the primary reports.
     *
     * @param target T
     * @param promotable P
     * @param applied the members in the {@code synchronous_standby_names} the primary reports applied
     * @param appliedAtLsn the primary's WAL position reported at least one safety interval after it
     *     was first seen to apply {@code applied} (null until then)
     */
    public record SyncState(Set<String> target, Set<String> promotable, Set<String> applied, Lsn appliedAtLsn) {
        public SyncState {
            target = Set.copyOf(target);
            promotable = Set.copyOf(promotable);
            applied = Set.copyOf(applied);
        }
    }

    /**
     * When the primary was first seen to apply a synchronous set, and the position taken for it.
     *
     * @param applied the applied set and the leader, as a key (null: nothing seen yet)
     * @param seenNanos when it was first seen (a monotonic clock)
     * @param seenRevision the revision of the primary's member key that first showed it
     * @param appliedAtLsn the primary's position from a later report at least the settle time later
     *     (null until then): {@link SyncState#appliedAtLsn()}
     */
    public record Settle(String applied, long seenNanos, long seenRevision, Lsn appliedAtLsn) {
        public static final Settle NONE = new Settle(null, 0, 0, null);
    }

    /**
     * Step 3(b) of the argument: the primary's position counts as "after every walsender waits for the
     * applied set" only when it comes from a later report of its agent (a higher revision of its member
     * key) than the one that first showed the set, and at least {@code settleNanos} after that was seen.
     * A different applied set starts again.
     *
     * @param appliedKey the applied set and the leader, as a key
     * @param reportRevision the revision of the primary's member key now
     * @param primaryLsn the primary's position in that report
     */
    public static Settle settle(
            Settle previous, String appliedKey, long reportRevision, Lsn primaryLsn, long nowNanos, long settleNanos) {
        if (!appliedKey.equals(previous.applied())) {
            return new Settle(appliedKey, nowNanos, reportRevision, null);
        }
        if (previous.appliedAtLsn() == null
                && reportRevision > previous.seenRevision()
                && nowNanos - previous.seenNanos() >= settleNanos) {
            return new Settle(appliedKey, previous.seenNanos(), previous.seenRevision(), primaryLsn);
        }
        return previous;
    }

    /** A replica as synchronous mode sees it; {@code flushLsn} is what it has received and flushed. */
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
     * The next step towards {@code count} synchronous standbys chosen among healthy, streaming standbys
     * without {@code nosync}; current ones are kept while they qualify. With {@code strict} and no
     * qualifying standby the target is kept, so that commits block rather than go unprotected.
     */
    public static Step next(SyncState state, List<Standby> standbys, int count, boolean strict) {
        return next(state, standbys, count, strict, Set.of());
    }

    /**
     * {@link #next(SyncState, List, int, boolean)} where the standbys in {@code lagging} ({@link
     * #lagging}) are chosen only when too few others qualify: a lagging synchronous standby is
     * replaced by a qualifying one that is not lagging, through the same safe steps as any other
     * replacement.
     */
    public static Step next(SyncState state, List<Standby> standbys, int count, boolean strict, Set<String> lagging) {
        Set<String> current = new TreeSet<>(state.promotable());
        current.addAll(state.target());
        Set<String> desired = choose(current, standbys, count, lagging);
        if (strict && desired.isEmpty() && !state.target().isEmpty()) {
            desired = state.target();
        }
        // 1. Shrink P first: a member leaves P before the primary stops waiting for it.
        if (!desired.containsAll(state.promotable())) {
            Set<String> kept = intersection(state.promotable(), desired);
            return new Step.Write(
                    state.target(), kept, "remove " + minus(state.promotable(), desired) + " from the promotable set");
        }
        // 2. Change T (P ⊆ desired now, so the primary keeps waiting for every promotable member).
        if (!state.target().equals(desired)) {
            return new Step.Write(
                    desired,
                    state.promotable(),
                    "the primary should wait for " + sorted(desired) + " instead of " + sorted(state.target()));
        }
        if (state.promotable().equals(desired)) {
            return new Step.Done();
        }
        // 3. Grow P only once the primary waits for the newcomers and they hold everything before that.
        if (!state.applied().equals(desired)) {
            return new Step.Wait("the primary has not yet applied " + sorted(desired) + " (applied: "
                    + sorted(state.applied()) + ")");
        }
        if (state.appliedAtLsn() == null) {
            return new Step.Wait("waiting for the primary's position after it applied " + sorted(desired));
        }
        for (String member : minus(desired, state.promotable())) {
            Lsn flushed = standbys.stream()
                    .filter(s -> s.name().equals(member))
                    .findFirst()
                    .map(Standby::flushLsn)
                    .orElse(null);
            if (flushed == null || flushed.compareTo(state.appliedAtLsn()) < 0) {
                return new Step.Wait(member + " has not yet flushed up to " + state.appliedAtLsn()
                        + ", where the primary already waited for it (flushed: " + flushed + ")");
            }
        }
        return new Step.Write(
                desired,
                desired,
                "add " + minus(desired, state.promotable())
                        + " to the promotable set: the primary waits for them and they hold every earlier commit");
    }

    /**
     * The members that may stay promotable when {@code newLeader} takes over: the old promotable set
     * without it (each of them holds every commit the old primary acknowledged), and the target the new
     * primary waits for from its first commit: those members plus the best qualifying standbys.
     */
    public static Step.Write forNewLeader(
            Set<String> promotable, String newLeader, List<Standby> standbys, int count, boolean strict) {
        Set<String> kept = new TreeSet<>(promotable);
        kept.remove(newLeader);
        List<Standby> others =
                standbys.stream().filter(s -> !s.name().equals(newLeader)).toList();
        Set<String> target = new TreeSet<>(kept);
        if (target.size() < count) {
            for (String extra : choose(kept, others, count)) {
                if (target.size() >= count) {
                    break;
                }
                target.add(extra);
            }
        }
        if (strict && target.isEmpty()) {
            others.stream()
                    .filter(s -> !s.nosync())
                    .map(Standby::name)
                    .sorted()
                    .limit(count)
                    .forEach(target::add);
        }
        return new Step.Write(
                Set.copyOf(target), Set.copyOf(kept), "the new leader " + newLeader + " waits for " + target);
    }

    /**
     * Patroni's {@code maximum_lag_on_syncnode}: the qualifying standbys (healthy, streaming, without
     * {@code nosync}) that have flushed more than {@code maxLagBytes} less than the most advanced
     * qualifying standby, or than the primary's position {@code primaryLsn} when only one standby
     * qualifies. Empty when {@code maxLagBytes} is 0 or below (Patroni's default -1: off).
     */
    public static Set<String> lagging(List<Standby> standbys, Lsn primaryLsn, long maxLagBytes) {
        if (maxLagBytes <= 0) {
            return Set.of();
        }
        List<Standby> qualifying = standbys.stream()
                .filter(s -> s.healthy() && s.streaming() && !s.nosync())
                .toList();
        Lsn reference = qualifying.size() > 1
                ? qualifying.stream()
                        .map(s -> s.flushLsn() == null ? Lsn.ZERO : s.flushLsn())
                        .max(Comparator.naturalOrder())
                        .orElse(Lsn.ZERO)
                : primaryLsn;
        if (reference == null) {
            return Set.of();
        }
        Set<String> lagging = new TreeSet<>();
        for (Standby s : qualifying) {
            Lsn flushed = s.flushLsn() == null ? Lsn.ZERO : s.flushLsn();
            if (reference.minus(flushed) > maxLagBytes) {
                lagging.add(s.name());
            }
        }
        return Set.copyOf(lagging);
    }

    /**
     * The standbys the primary should wait for: current qualifying ones first, then the most advanced
     * (the returned set iterates in that order).
     */
    static Set<String> choose(Set<String> current, List<Standby> standbys, int count) {
        return choose(current, standbys, count, Set.of());
    }

    /**
     * As {@link #choose(Set, List, int)}, with the standbys in {@code lagging} after every other
     * qualifying one (still before none at all).
     */
    static Set<String> choose(Set<String> current, List<Standby> standbys, int count, Set<String> lagging) {
        List<Standby> qualifying = new ArrayList<>(standbys.stream()
                .filter(s -> s.healthy() && s.streaming() && !s.nosync())
                .toList());
        qualifying.sort(Comparator.comparing((Standby s) -> lagging.contains(s.name()))
                .thenComparing((Standby s) -> !current.contains(s.name()))
                .thenComparing(s -> s.flushLsn() == null ? Lsn.ZERO : s.flushLsn(), Comparator.reverseOrder())
                .thenComparing(Standby::name));
        Set<String> chosen = new LinkedHashSet<>();
        for (Standby standby : qualifying) {
            if (chosen.size() >= count) {
                break;
            }
            chosen.add(standby.name());
        }
        return java.util.Collections.unmodifiableSet(chosen);
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> both = new TreeSet<>(a);
        both.retainAll(b);
        return Set.copyOf(both);
    }

    private static List<String> minus(Set<String> a, Set<String> b) {
        return a.stream().filter(x -> !b.contains(x)).sorted().toList();
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }
}
