package io.pgha.system;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an open-loop client ({@link OpenLoopWriter}: a new connection and one insert started every 50 ms
 * whatever the earlier ones do, each given up after 3 s) saw around a fault. Pure: plain records in,
 * numbers out; times are {@link System#nanoTime()} readings.
 *
 * <p>Definitions (docs/benchmarks.md repeats them):
 *
 * <ul>
 *   <li><b>gap</b>: the longest stretch between two consecutive acknowledged attempts, ordered by
 *       acknowledgement time, among the stretches that end after the fault (if no attempt was
 *       acknowledged before the fault, the first stretch starts at the fault). Empty when no attempt
 *       was acknowledged after the fault.
 *   <li><b>recovery</b>: the acknowledgement that ends the gap.
 *   <li><b>failed attempts</b>: attempts that ended after the fault without an acknowledgement (an
 *       error, the 3 s timeout, or not started because every one of the writer's threads was busy).
 *   <li><b>failed after recovery</b>: failed attempts that <em>started</em> after the recovery, that
 *       is, after writes had visibly resumed.
 *   <li><b>latency</b> of an attempt: from its start (before connecting) to its acknowledgement;
 *       acknowledged attempts only. <b>Steady</b>: the attempts acknowledged before the fault.
 *       <b>Fault window</b>: the acknowledged attempts in flight at some time between the fault and the
 *       recovery (started at or before the recovery, acknowledged at or after the fault).
 * </ul>
 */
final class OpenLoop {
    /** How an attempt ended. */
    enum Outcome {
        ACKNOWLEDGED,
        /** An error (refused, reset, read-only, authentication, ...). */
        FAILED,
        /** Not acknowledged within the per-attempt timeout: the client gave up. */
        TIMED_OUT,
        /** Every thread of the writer was busy: the attempt could not start (counts as failed). */
        NOT_STARTED
    }

    /** One attempt: when it started and ended, how, and the member that acknowledged it (or the error). */
    record Attempt(long id, long startNanos, long endNanos, Outcome outcome, String detail) {
        boolean acknowledged() {
            return outcome == Outcome.ACKNOWLEDGED;
        }

        long latencyNanos() {
            return endNanos - startNanos;
        }
    }

    /** Percentiles (nearest rank) and maximum of acknowledged attempts' latency, in ms; NaN when none. */
    record Latency(int count, double p50Millis, double p99Millis, double maxMillis) {
        static final Latency NONE = new Latency(0, Double.NaN, Double.NaN, Double.NaN);

        static Latency of(List<Attempt> attempts) {
            List<Long> sorted =
                    attempts.stream().map(Attempt::latencyNanos).sorted().toList();
            if (sorted.isEmpty()) {
                return NONE;
            }
            return new Latency(
                    sorted.size(),
                    millis(percentile(sorted, 0.50)),
                    millis(percentile(sorted, 0.99)),
                    millis(sorted.get(sorted.size() - 1)));
        }
    }

    /**
     * One run's numbers: {@code attempts} started in all; the gap with the acknowledgements that bound it
     * ({@code resumedOn}: the member that acknowledged the recovery); the failures; the latencies.
     */
    record Result(
            int attempts,
            Optional<Duration> gap,
            long gapStartNanos,
            long gapEndNanos,
            String resumedOn,
            int failed,
            int failedAfterRecovery,
            Latency steady,
            Latency fault,
            Map<String, Integer> failedAfterRecoveryKinds) {
        long gapMillis() {
            return gap.map(Duration::toMillis).orElse(-1L);
        }
    }

    private OpenLoop() {}

    /** The numbers of {@code attempts} (any order) around a fault injected at {@code faultNanos}. */
    static Result analyse(List<Attempt> attempts, long faultNanos) {
        List<Attempt> acks = attempts.stream()
                .filter(Attempt::acknowledged)
                .sorted(Comparator.comparingLong(Attempt::endNanos))
                .toList();
        long gapStart = 0;
        long gapEnd = 0;
        Attempt recovery = null;
        long previous = faultNanos;
        for (Attempt ack : acks) {
            if (ack.endNanos() - faultNanos > 0
                    && (recovery == null || ack.endNanos() - previous > gapEnd - gapStart)) {
                gapStart = previous;
                gapEnd = ack.endNanos();
                recovery = ack;
            }
            previous = ack.endNanos();
        }
        boolean recovered = recovery != null;
        long recoveredAt = recovered ? recovery.endNanos() : Long.MAX_VALUE;
        List<Attempt> failures = attempts.stream()
                .filter(a -> !a.acknowledged() && a.endNanos() - faultNanos > 0)
                .toList();
        List<Attempt> afterRecovery = !recovered
                ? List.of()
                : failures.stream()
                        .filter(a -> a.startNanos() - recoveredAt > 0)
                        .toList();
        Map<String, Integer> kinds = new TreeMap<>();
        afterRecovery.forEach(a -> kinds.merge(kind(a), 1, Integer::sum));
        Latency steady = Latency.of(
                acks.stream().filter(a -> faultNanos - a.endNanos() > 0).toList());
        Latency fault = Latency.of(acks.stream()
                .filter(a -> a.endNanos() - faultNanos >= 0 && (!recovered || recoveredAt - a.startNanos() >= 0))
                .toList());
        return new Result(
                attempts.size(),
                recovery == null ? Optional.empty() : Optional.of(Duration.ofNanos(gapEnd - gapStart)),
                gapStart,
                gapEnd,
                recovery == null ? "" : recovery.detail(),
                failures.size(),
                afterRecovery.size(),
                steady,
                fault,
                kinds);
    }

    /**
     * What kind of failure an attempt was, for telling apart why attempts failed after recovery: a
     * timeout, no free thread, or the error's first line (numbers replaced by {@code #}, at most 80
     * characters).
     */
    static String kind(Attempt a) {
        return switch (a.outcome()) {
            case TIMED_OUT -> "timed out";
            case NOT_STARTED -> "not started (threads busy)";
            case ACKNOWLEDGED -> "acknowledged";
            case FAILED -> {
                String detail = a.detail() == null
                        ? ""
                        : a.detail().replaceAll("[0-9]+", "#").strip();
                yield detail.length() > 80 ? detail.substring(0, 80) : detail;
            }
        };
    }

    /** {@code kinds} as "3 timed out, 1 <error>", most frequent first; empty when none. */
    static String describe(Map<String, Integer> kinds) {
        return kinds.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The nearest-rank {@code q} quantile of ascending {@code sorted}. */
    static long percentile(List<Long> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
