package io.pgha.coordinator.decide;

import io.pgha.events.Lsn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Quorum commit ({@code synchronous_mode: quorum}): the rules of the
 * argument in the module's DESIGN.md, "Quorum commit". The primary applies {@code ANY k_a (A)};
 * {@code /sync} records the voters V and k_r, with the invariant that every acknowledged commit is
 * flushed on at least k_r members of V.
 */
public final class QuorumRule {
    private QuorumRule() {}

    /**
     * What {@code /sync} records: the voters V and k_r.
     *
     * @param voters V
     * @param k k_r: every acknowledged commit is on at least this many voters
     */
    public record Recorded(Set<String> voters, int k) {
        public Recorded {
            voters = Set.copyOf(voters);
            if (k < 0 || k > voters.size()) {
                throw new IllegalArgumentException("k must be 0 to " + voters.size() + ", got " + k);
            }
        }

        /** How many voters a failover must read: n - k_r + 1. */
        public int readsNeeded() {
            return voters.size() - k + 1;
        }
    }

    /**
     * What the primary applies: {@code ANY k (members)}.
     *
     * @param members A
     * @param k k_a
     */
    public record Applied(Set<String> members, int k) {
        public Applied {
            members = Set.copyOf(members);
            if (k < 0 || k > members.size()) {
                throw new IllegalArgumentException("k must be 0 to " + members.size() + ", got " + k);
            }
        }
    }

    /** A voter's position, read after the old primary can no longer acknowledge. */
    public record Reading(String name, int timeline, Lsn flushed) {}

    /**
     * The positions a leaderless failover may read: the {@code "detached"} reports of every member but
     * the lost leader for the order's epoch, in member keys written after the order (mod revision above
     * the {@code /detach} key's: the agent acted on this very order, so its WAL receiver from the old
     * primary is gone and its position is final). A report without a position is not a reading.
     *
     * @param order the leaderless {@code /detach} order
     * @param detachRevision its mod revision
     * @param members every member key with its mod revision
     */
    public static List<Reading> readings(
            io.pgha.core.Detach order, long detachRevision, Map<String, FastFailoverGate.Report> members) {
        List<Reading> readings = new ArrayList<>();
        members.forEach((name, r) -> {
            if (name.equals(order.leader()) || r == null || r.status() == null) {
                return;
            }
            io.pgha.core.MemberStatus.Detached d = r.status().detached();
            if (d != null && d.epoch() == order.epoch() && r.modRevision() > detachRevision && d.flush() != null) {
                readings.add(new Reading(name, (int) r.status().timeline(), d.flush()));
            }
        });
        readings.sort(Comparator.comparing(Reading::name));
        return List.copyOf(readings);
    }

    /**
     * What a {@code /sync} key records, as the failover rule reads it: a quorum record's voters and
     * k_r; a FIRST record's promotable members P with k_r = |P| (every one of them holds every
     * acknowledged commit); nothing (k_r = 0, so nobody can be promoted) without a key for {@code
     * leader}.
     */
    public static Recorded recorded(java.util.Optional<io.pgha.core.SyncSet> sync, String leader) {
        if (sync.isEmpty() || leader == null || !leader.equals(sync.get().leader())) {
            return new Recorded(Set.of(), 0);
        }
        io.pgha.core.SyncSet s = sync.get();
        Set<String> voters = Set.copyOf(s.members());
        int k = s.isQuorum() ? s.quorumK() : voters.size();
        return new Recorded(voters, Math.max(0, Math.min(k, voters.size())));
    }

    /** The outcome of {@link #winner}. */
    public sealed interface Verdict {
        /** {@code name} may be promoted: it holds every acknowledged commit. */
        record Promote(String name, String why) implements Verdict {}

        /** Nobody may be promoted yet. */
        record Wait(String why) implements Verdict {}
    }

    /**
     * Condition C: an acknowledgement under {@code applied} lands on at least k_r members of V, i.e.
     * {@code max(0, k_a - |A \ V|) >= k_r}.
     */
    public static boolean covers(Recorded recorded, Applied applied) {
        long outside = applied.members().stream()
                .filter(m -> !recorded.voters().contains(m))
                .count();
        return Math.max(0, applied.k() - outside) >= recorded.k();
    }

    /**
     * Step 1: whether {@code to} may replace {@code from} at any time as far as commits already
     * acknowledged go: {@code k' <= max(0, k_r - |V \ V'|)} (each commit on k_r members of V keeps k' of them
     * in V'). The caller also checks {@link #covers} against what is applied.
     */
    public static boolean weakens(Recorded from, Recorded to) {
        long dropped =
                from.voters().stream().filter(v -> !to.voters().contains(v)).count();
        return to.k() <= Math.max(0, from.k() - dropped);
    }

    /**
     * The failover rule: with readings of at least n - k_r + 1 voters on one timeline, the most
     * advanced of them (then the first name) holds every acknowledged commit. Readings of members
     * that are not voters are ignored; {@code excluded} names voters that may not be promoted for
     * other reasons (they still count as read, their position still binds the winner).
     */
    public static Verdict winner(Recorded recorded, List<Reading> readings, Map<String, String> excluded) {
        List<Reading> voters = new ArrayList<>(readings.stream()
                .filter(r -> recorded.voters().contains(r.name()) && r.flushed() != null)
                .toList());
        int needed = recorded.readsNeeded();
        if (voters.size() < needed) {
            return new Verdict.Wait("read " + voters.size() + " of "
                    + recorded.voters().size() + " voters, " + needed + " needed (ANY " + recorded.k() + ")");
        }
        if (voters.stream().map(Reading::timeline).distinct().count() > 1) {
            return new Verdict.Wait("the voters read are on different timelines: " + voters);
        }
        voters.sort(Comparator.comparing(Reading::flushed, Comparator.reverseOrder())
                .thenComparing(Reading::name));
        Reading best = voters.get(0);
        if (excluded.containsKey(best.name())) {
            List<String> tied = voters.stream()
                    .filter(r -> r.flushed().equals(best.flushed()) && !excluded.containsKey(r.name()))
                    .map(Reading::name)
                    .toList();
            if (tied.isEmpty()) {
                return new Verdict.Wait("the most advanced voter " + best.name() + " at " + best.flushed()
                        + " may not be promoted (" + excluded.get(best.name()) + ") and no other is as far");
            }
            return new Verdict.Promote(
                    tied.get(0),
                    "as far as " + best.name() + " at " + best.flushed() + ", the most advanced of " + voters.size()
                            + " voters read");
        }
        return new Verdict.Promote(
                best.name(),
                "the most advanced (" + best.flushed() + ") of " + voters.size() + " voters read, " + needed
                        + " needed");
    }
}
