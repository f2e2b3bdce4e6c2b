package io.pgha.system.chaos;

import io.pgha.system.chaos.History.Fault;
import io.pgha.system.chaos.History.Id;
import io.pgha.system.chaos.History.MemberState;
import io.pgha.system.chaos.History.Observation;
import io.pgha.system.chaos.History.Op;
import io.pgha.system.chaos.History.Outcome;
import io.pgha.system.chaos.History.Serving;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Judges a chaos {@link History}: a pure function from what the clients saw and what the members hold
 * at the end to the anomalies found, the windows of lost writes and the unavailability after each fault.
 *
 * <ul>
 *   <li><b>lost write</b>: an acknowledged id missing on the final primary. In synchronous mode an
 *       anomaly; in asynchronous mode reported as a loss window (how many, over what span, beside the
 *       replication lag measured at the fault).
 *   <li><b>two primaries</b>: acknowledged writes of two different members whose windows overlap. A
 *       member on one timeline was certainly writable from the completion of its first acknowledged write
 *       to the start of its last; two such windows that intersect, or a write of another member that lies
 *       wholly inside one, mean two members accepted writes at the same time.
 *   <li><b>diverged member</b>: after healing, a member whose system identifier differs from the
 *       primary's, whose timeline is ahead of it, or whose ids are not exactly the primary's.
 *   <li><b>out of order</b>: within one client, ids in the table not in acknowledged order, or an
 *       acknowledged id visible while an earlier acknowledged id of the same client (not lost) is not.
 *   <li><b>failed write present</b>: a write the client saw definitely fail is in a table.
 *   <li><b>no single primary</b>: after healing, not exactly one member is primary.
 * </ul>
 */
public final class Checker {
    private Checker() {}

    public enum Mode {
        SYNC,
        ASYNC
    }

    public enum Kind {
        LOST_WRITE,
        TWO_PRIMARIES,
        DIVERGED,
        OUT_OF_ORDER,
        FAILED_WRITE_PRESENT,
        NO_SINGLE_PRIMARY
    }

    public record Anomaly(Kind kind, String detail) {}

    /** Acknowledged ids lost after fault {@code faultIndex} (-1: before any fault). */
    public record LossWindow(
            int faultIndex,
            String faultType,
            int count,
            long firstAckNanos,
            long lastAckNanos,
            Optional<Long> lagBytes) {
        public Duration span() {
            return Duration.ofNanos(lastAckNanos - firstAckNanos);
        }
    }

    /**
     * The longest gap between acknowledged writes from a fault's injection until it settled (or the next
     * fault); the gap before the first write after the fault counts from the last write before it.
     */
    public record FaultOutage(Fault fault, Duration longestGap, boolean resumed) {}

    /** Nearest-rank percentiles of the longest gaps of one fault type, in milliseconds. */
    public record Stats(int faults, long p50Millis, long p99Millis, long maxMillis) {
        static Stats of(List<Duration> gaps) {
            List<Long> millis = gaps.stream().map(Duration::toMillis).sorted().toList();
            if (millis.isEmpty()) {
                return new Stats(0, 0, 0, 0);
            }
            return new Stats(millis.size(), rank(millis, 50), rank(millis, 99), millis.get(millis.size() - 1));
        }

        private static long rank(List<Long> sorted, int percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, index));
        }
    }

    public record Verdict(
            List<Anomaly> anomalies,
            List<LossWindow> losses,
            List<FaultOutage> outages,
            Map<String, Stats> unavailability) {
        public boolean clean() {
            return anomalies.isEmpty();
        }

        public long count(Kind kind) {
            return anomalies.stream().filter(a -> a.kind() == kind).count();
        }
    }

    public static Verdict check(History history, Mode mode) {
        List<Anomaly> anomalies = new ArrayList<>();
        List<MemberState> primaries =
                history.finals().stream().filter(MemberState::primary).toList();
        Set<Id> lost = new TreeSet<>();
        List<LossWindow> losses = List.of();
        if (primaries.size() != 1) {
            anomalies.add(new Anomaly(
                    Kind.NO_SINGLE_PRIMARY,
                    primaries.size() + " primaries after healing: "
                            + primaries.stream().map(MemberState::member).toList()));
        } else {
            MemberState primary = primaries.get(0);
            lost.addAll(lostWrites(history.ops(), ids(primary.table())));
            losses = lossWindows(history, lost);
            if (mode == Mode.SYNC && !lost.isEmpty()) {
                anomalies.add(new Anomaly(
                        Kind.LOST_WRITE,
                        lost.size() + " acknowledged ids missing on the final primary " + primary.member() + ": "
                                + first(lost)));
            }
            anomalies.addAll(diverged(primary, history.finals()));
        }
        anomalies.addAll(twoPrimaries(history.ops()));
        List<Observation> observations = new ArrayList<>(history.reads());
        history.finals().forEach(f -> observations.add(f.table()));
        anomalies.addAll(outOfOrder(history.ops(), observations, lost));
        anomalies.addAll(failedPresent(history.ops(), observations));
        List<FaultOutage> outages = outages(history);
        return new Verdict(List.copyOf(anomalies), losses, outages, unavailability(outages));
    }

    // --- lost writes ---

    static Set<Id> lostWrites(List<Op> ops, Set<Id> onPrimary) {
        return ops.stream()
                .filter(op -> op.outcome() == Outcome.OK && !onPrimary.contains(op.id()))
                .map(Op::id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The lost ids grouped by the last fault injected before each was acknowledged. */
    static List<LossWindow> lossWindows(History history, Set<Id> lost) {
        Map<Integer, List<Op>> byFault = new TreeMap<>();
        for (Op op : history.ops()) {
            if (op.outcome() == Outcome.OK && lost.contains(op.id())) {
                byFault.computeIfAbsent(faultBefore(history.faults(), op.completeNanos()), f -> new ArrayList<>())
                        .add(op);
            }
        }
        List<LossWindow> windows = new ArrayList<>();
        byFault.forEach((index, ops) -> {
            Optional<Fault> fault =
                    history.faults().stream().filter(f -> f.index() == index).findFirst();
            windows.add(new LossWindow(
                    index,
                    fault.map(Fault::type).orElse("before any fault"),
                    ops.size(),
                    ops.stream().mapToLong(Op::completeNanos).min().orElseThrow(),
                    ops.stream().mapToLong(Op::completeNanos).max().orElseThrow(),
                    fault.flatMap(Fault::lagBytes)));
        });
        return windows;
    }

    private static int faultBefore(List<Fault> faults, long nanos) {
        int index = -1;
        for (Fault f : faults) {
            if (f.injectNanos() - nanos <= 0) {
                index = f.index();
            }
        }
        return index;
    }

    // --- two writable primaries ---

    static List<Anomaly> twoPrimaries(List<Op> ops) {
        Map<String, List<Op>> byIdentity = new LinkedHashMap<>();
        Map<String, Serving> servings = new LinkedHashMap<>();
        for (Op op : ops) {
            if (op.outcome() == Outcome.OK && op.serving().isPresent()) {
                Serving s = op.serving().get();
                byIdentity.computeIfAbsent(s.identity(), k -> new ArrayList<>()).add(op);
                servings.putIfAbsent(s.identity(), s);
            }
        }
        Map<String, long[]> certain = new LinkedHashMap<>();
        byIdentity.forEach((identity, list) -> {
            long from = list.stream().mapToLong(Op::completeNanos).min().orElseThrow();
            long to = list.stream().mapToLong(Op::invokeNanos).max().orElseThrow();
            if (to - from >= 0) {
                certain.put(identity, new long[] {from, to});
            }
        });
        List<Anomaly> found = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (var i : certain.entrySet()) {
            for (var j : byIdentity.entrySet()) {
                Serving a = servings.get(i.getKey());
                Serving b = servings.get(j.getKey());
                if (a.member().equals(b.member()) && a.systemId().equals(b.systemId())) {
                    continue; // one member, one timeline after another
                }
                String pair = i.getKey().compareTo(j.getKey()) < 0
                        ? i.getKey() + "|" + j.getKey()
                        : j.getKey() + "|" + i.getKey();
                long from = i.getValue()[0];
                long to = i.getValue()[1];
                long[] other = certain.get(j.getKey());
                Optional<Op> inside = j.getValue().stream()
                        .filter(op -> op.invokeNanos() - from >= 0 && to - op.completeNanos() >= 0)
                        .findFirst();
                boolean windowsMeet = other != null && other[0] - to <= 0 && from - other[1] <= 0;
                if ((inside.isPresent() || windowsMeet) && reported.add(pair)) {
                    found.add(new Anomaly(
                            Kind.TWO_PRIMARIES,
                            i.getKey() + " was writable from " + millis(from) + " to " + millis(to) + " ms while "
                                    + j.getKey()
                                    + inside.map(op -> " acknowledged " + op.id() + " (" + millis(op.invokeNanos())
                                                    + ".." + millis(op.completeNanos()) + " ms)")
                                            .orElseGet(() -> " was writable from " + millis(other[0]) + " to "
                                                    + millis(other[1]) + " ms")));
                }
            }
        }
        return found;
    }

    // --- diverged members ---

    static List<Anomaly> diverged(MemberState primary, List<MemberState> finals) {
        Set<Id> expected = ids(primary.table());
        List<Anomaly> found = new ArrayList<>();
        for (MemberState m : finals) {
            if (m == primary) {
                continue;
            }
            List<String> why = new ArrayList<>();
            if (!m.systemId().equals(primary.systemId())) {
                why.add("system identifier " + m.systemId() + " is not the primary's " + primary.systemId());
            }
            if (m.timeline() > primary.timeline()) {
                why.add("timeline " + m.timeline() + " is ahead of the primary's " + primary.timeline());
            }
            Set<Id> has = ids(m.table());
            Set<Id> extra = new TreeSet<>(has);
            extra.removeAll(expected);
            Set<Id> missing = new TreeSet<>(expected);
            missing.removeAll(has);
            if (!extra.isEmpty()) {
                why.add(extra.size() + " ids the primary has not: " + first(extra));
            }
            if (!missing.isEmpty()) {
                why.add(missing.size() + " of the primary's ids missing: " + first(missing));
            }
            if (!why.isEmpty()) {
                found.add(new Anomaly(Kind.DIVERGED, m.member() + ": " + String.join("; ", why)));
            }
        }
        return found;
    }

    // --- order within a client ---

    static List<Anomaly> outOfOrder(List<Op> ops, List<Observation> observations, Set<Id> lost) {
        Map<Integer, TreeSet<Long>> acked = new TreeMap<>();
        for (Op op : ops) {
            if (op.outcome() == Outcome.OK && !lost.contains(op.id())) {
                acked.computeIfAbsent(op.client(), c -> new TreeSet<>()).add(op.seq());
            }
        }
        List<Anomaly> found = new ArrayList<>();
        for (Observation o : observations) {
            for (var entry : o.idsByClient().entrySet()) {
                int client = entry.getKey();
                List<Long> seqs = entry.getValue();
                TreeSet<Long> clientAcked = acked.getOrDefault(client, new TreeSet<>());
                // Only acknowledged ids have an order to keep: a client invokes id n + 1 after n was
                // acknowledged. A write whose outcome the client never learned (timed out while the
                // primary was paused) may still commit later, after ids the client wrote since.
                List<Long> ackedInTable =
                        seqs.stream().filter(clientAcked::contains).toList();
                for (int k = 1; k < ackedInTable.size(); k++) {
                    if (ackedInTable.get(k) <= ackedInTable.get(k - 1)) {
                        found.add(new Anomaly(
                                Kind.OUT_OF_ORDER,
                                o.source() + " on " + o.member() + ": client " + client + " has " + ackedInTable.get(k)
                                        + " after " + ackedInTable.get(k - 1)));
                        break;
                    }
                }
                Set<Long> present = new HashSet<>(seqs);
                Optional<Long> highest =
                        seqs.stream().filter(clientAcked::contains).max(Comparator.naturalOrder());
                if (highest.isPresent()) {
                    // a windowed read judges only the ids from the client's first acknowledged one in the
                    // window on: acknowledged ids are in the table in their order, so every later one is in
                    // the window too; an id of unknown outcome may have committed after later ids and sit
                    // in the window while an acknowledged one before it fell out (found by the
                    // asynchronous 100-fault run of 2026-12-04: a pause of the primary, then the window's
                    // lower edge reached those ids)
                    long lowest = o.complete() ? Long.MIN_VALUE : Collections.min(ackedInTable);
                    Optional<Long> gap = clientAcked.headSet(highest.get(), false).stream()
                            .filter(s -> s >= lowest)
                            .filter(s -> !present.contains(s))
                            .findFirst();
                    gap.ifPresent(g -> found.add(new Anomaly(
                            Kind.OUT_OF_ORDER,
                            o.source() + " on " + o.member() + ": client " + client + " shows acknowledged "
                                    + highest.get() + " without the earlier acknowledged " + g)));
                }
            }
        }
        return found;
    }

    static List<Anomaly> failedPresent(List<Op> ops, List<Observation> observations) {
        Set<Id> failed = ops.stream()
                .filter(op -> op.outcome() == Outcome.FAIL)
                .map(Op::id)
                .collect(Collectors.toSet());
        List<Anomaly> found = new ArrayList<>();
        for (Observation o : observations) {
            Set<Id> present = new TreeSet<>(ids(o));
            present.retainAll(failed);
            if (!present.isEmpty()) {
                found.add(new Anomaly(
                        Kind.FAILED_WRITE_PRESENT,
                        o.source() + " on " + o.member() + " holds " + present.size()
                                + " writes their clients saw fail: " + first(present)));
            }
        }
        return found;
    }

    // --- unavailability ---

    static List<FaultOutage> outages(History history) {
        long[] acks = history.ops().stream()
                .filter(op -> op.outcome() == Outcome.OK)
                .mapToLong(Op::completeNanos)
                .sorted()
                .toArray();
        long end = history.ops().stream().mapToLong(Op::completeNanos).max().orElse(0);
        List<Fault> faults = history.faults().stream()
                .sorted(Comparator.comparingLong(Fault::injectNanos))
                .toList();
        List<FaultOutage> outages = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            long windowEnd = Math.min(
                    f.settledNanos(), i + 1 < faults.size() ? faults.get(i + 1).injectNanos() : end);
            long previous = f.injectNanos();
            for (long ack : acks) {
                if (ack - f.injectNanos() < 0) {
                    previous = ack;
                }
            }
            long longest = 0;
            boolean resumed = false;
            for (long ack : acks) {
                if (ack - f.injectNanos() >= 0 && ack - windowEnd < 0) {
                    longest = Math.max(longest, ack - previous);
                    previous = ack;
                    resumed = true;
                }
            }
            if (!resumed) {
                longest = Math.max(longest, windowEnd - previous);
            }
            outages.add(new FaultOutage(f, Duration.ofNanos(longest), resumed));
        }
        return outages;
    }

    static Map<String, Stats> unavailability(List<FaultOutage> outages) {
        Map<String, List<Duration>> byType = new TreeMap<>();
        outages.forEach(o ->
                byType.computeIfAbsent(o.fault().type(), t -> new ArrayList<>()).add(o.longestGap()));
        Map<String, Stats> stats = new TreeMap<>();
        byType.forEach((type, gaps) -> stats.put(type, Stats.of(gaps)));
        return stats;
    }

    // --- helpers ---

    static Set<Id> ids(Observation o) {
        Set<Id> ids = new HashSet<>();
        o.idsByClient().forEach((client, seqs) -> seqs.forEach(s -> ids.add(new Id(client, s))));
        return ids;
    }

    private static String first(Set<Id> ids) {
        return ids.stream().limit(10).map(Id::toString).collect(Collectors.joining(", "))
                + (ids.size() > 10 ? ", ..." : "");
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
