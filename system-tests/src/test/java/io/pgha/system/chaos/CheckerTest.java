package io.pgha.system.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.system.chaos.Checker.Kind;
import io.pgha.system.chaos.Checker.Mode;
import io.pgha.system.chaos.Checker.Stats;
import io.pgha.system.chaos.Checker.Verdict;
import io.pgha.system.chaos.History.Fault;
import io.pgha.system.chaos.History.MemberState;
import io.pgha.system.chaos.History.Observation;
import io.pgha.system.chaos.History.Op;
import io.pgha.system.chaos.History.Serving;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckerTest {
    private static final long MS = 1_000_000L;
    private static final String SYS = "7300000000000000001";
    private static final Serving PG0_TL1 = new Serving(SYS, 1, 5432, "pg-0");
    private static final Serving PG1_TL2 = new Serving(SYS, 2, 5433, "pg-1");

    /**
     * Clients 1 and 2 write on pg-0 (timeline 1) every 10 ms until 1000 ms; the primary is killed at
     * 1000 ms; from 3000 ms they write on pg-1 (timeline 2) until 4000 ms. Each op takes 5 ms.
     */
    private static List<Op> failoverHistory() {
        List<Op> ops = new ArrayList<>();
        for (int client = 1; client <= 2; client++) {
            long seq = 1;
            for (long t = 0; t < 1000; t += 10) {
                ops.add(Op.ok(client, seq++, t * MS, (t + 5) * MS, PG0_TL1));
            }
            ops.add(Op.unknown(client, seq++, 1000 * MS, 1500 * MS));
            ops.add(Op.failed(client, seq++, 1600 * MS, 1700 * MS));
            for (long t = 3000; t < 4000; t += 10) {
                ops.add(Op.ok(client, seq++, t * MS, (t + 5) * MS, PG1_TL2));
            }
        }
        return ops;
    }

    private static final Fault KILL =
            new Fault(0, "kill-node", "pg-0", 1000 * MS, 1100 * MS, 4000 * MS, Optional.of(0L));

    /** The table as it would hold exactly the acknowledged ops (plus the unknown ones that committed). */
    private static Observation table(String member, List<Op> ops) {
        Map<Integer, List<Long>> ids = new LinkedHashMap<>();
        for (Op op : ops) {
            if (op.outcome() == History.Outcome.OK) {
                ids.computeIfAbsent(op.client(), c -> new ArrayList<>()).add(op.seq());
            }
        }
        return new Observation("final", member, 5000 * MS, ids);
    }

    /** The verdict on {@code ops} with {@code reads}, after the one kill, every member healthy at the end. */
    private static Verdict checkReads(List<Op> ops, Observation... reads) {
        return Checker.check(new History(ops, List.of(reads), List.of(KILL), healthyFinals(ops)), Mode.SYNC);
    }

    private static List<MemberState> healthyFinals(List<Op> ops) {
        return List.of(
                new MemberState("pg-0", SYS, 2, false, table("pg-0", ops)),
                new MemberState("pg-1", SYS, 2, true, table("pg-1", ops)),
                new MemberState("pg-2", SYS, 2, false, table("pg-2", ops)));
    }

    @Test
    void aCleanFailoverHistoryHasNoAnomalyAndItsOutageIsTheLongestGap() {
        List<Op> ops = failoverHistory();
        Verdict verdict = Checker.check(new History(ops, List.of(), List.of(KILL), healthyFinals(ops)), Mode.SYNC);

        assertThat(verdict.anomalies()).isEmpty();
        assertThat(verdict.losses()).isEmpty();
        // last ack before the fault at 995 ms, first after it at 3005 ms
        assertThat(verdict.outages()).singleElement().satisfies(o -> {
            assertThat(o.longestGap()).isEqualTo(Duration.ofMillis(2010));
            assertThat(o.resumed()).isTrue();
        });
        assertThat(verdict.unavailability()).containsEntry("kill-node", new Stats(1, 2010, 2010, 2010));
    }

    @Test
    void anAcknowledgedIdMissingOnTheFinalPrimaryIsALostWriteInSynchronousMode() {
        List<Op> ops = failoverHistory();
        List<Op> kept = new ArrayList<>(ops);
        kept.removeIf(op -> op.client() == 1 && op.seq() >= 98 && op.seq() <= 100); // acked 970..995 ms
        List<MemberState> finals = List.of(
                new MemberState("pg-1", SYS, 2, true, table("pg-1", kept)),
                new MemberState("pg-2", SYS, 2, false, table("pg-2", kept)));

        Verdict sync = Checker.check(new History(ops, List.of(), List.of(KILL), finals), Mode.SYNC);
        assertThat(sync.count(Kind.LOST_WRITE)).isEqualTo(1);
        assertThat(sync.anomalies().get(0).detail()).contains("3 acknowledged ids", "1:98", "1:100");
        assertThat(sync.count(Kind.OUT_OF_ORDER))
                .as("lost ids are reported once, as lost")
                .isZero();
    }

    @Test
    void inAsynchronousModeLostWritesAreALossWindowNotAnAnomaly() {
        List<Op> ops = failoverHistory();
        List<Op> kept = new ArrayList<>(ops);
        kept.removeIf(op -> op.seq() >= 99 && op.seq() <= 100 && op.completeNanos() > 1000 * MS - 30 * MS);
        Fault fault = new Fault(0, "kill-node", "pg-0", 900 * MS, 950 * MS, 4000 * MS, Optional.of(8192L));
        List<MemberState> finals = List.of(new MemberState("pg-1", SYS, 2, true, table("pg-1", kept)));

        Verdict async = Checker.check(new History(ops, List.of(), List.of(fault), finals), Mode.ASYNC);
        assertThat(async.anomalies()).isEmpty();
        assertThat(async.losses()).singleElement().satisfies(w -> {
            assertThat(w.count()).isEqualTo(4);
            assertThat(w.faultType()).isEqualTo("kill-node");
            assertThat(w.span()).isEqualTo(Duration.ofMillis(10)); // acked at 985 and 995 ms
            assertThat(w.lagBytes()).contains(8192L);
        });
    }

    @Test
    void writesAcknowledgedByTwoMembersAtTheSameTimeAreTwoPrimaries() {
        List<Op> ops = failoverHistory();
        // pg-0 on timeline 1 keeps acknowledging after pg-1 was promoted (a frozen agent's primary)
        ops.add(Op.ok(3, 1, 3100 * MS, 3105 * MS, PG0_TL1));
        ops.add(Op.ok(3, 2, 3500 * MS, 3505 * MS, PG0_TL1));

        Verdict verdict = Checker.check(new History(ops, List.of(), List.of(KILL), healthyFinals(ops)), Mode.SYNC);
        assertThat(verdict.count(Kind.TWO_PRIMARIES)).isEqualTo(1);
        assertThat(verdict.anomalies().stream()
                        .filter(a -> a.kind() == Kind.TWO_PRIMARIES)
                        .findFirst()
                        .orElseThrow()
                        .detail())
                .contains("pg-0", "pg-1");
    }

    @Test
    void aSingleWriteOfAnotherMemberInsideAPrimarysWindowIsTwoPrimaries() {
        List<Op> ops = failoverHistory();
        ops.add(Op.ok(3, 1, 500 * MS, 505 * MS, new Serving(SYS, 2, 5434, "pg-2")));

        Verdict verdict = Checker.check(new History(ops, List.of(), List.of(KILL), healthyFinals(ops)), Mode.SYNC);
        assertThat(verdict.count(Kind.TWO_PRIMARIES)).isEqualTo(1);
    }

    @Test
    void writesWhoseIntervalsOverlapAtAHandoverAreNotTwoPrimaries() {
        // pg-0's last write was still in flight when pg-1's first completed: both could commit in turn
        List<Op> ops = List.of(
                Op.ok(1, 1, 0, 10 * MS, PG0_TL1),
                Op.ok(1, 2, 20 * MS, 400 * MS, PG0_TL1),
                Op.ok(2, 1, 300 * MS, 310 * MS, PG1_TL2),
                Op.ok(2, 2, 320 * MS, 330 * MS, PG1_TL2));
        List<MemberState> finals = List.of(new MemberState("pg-1", SYS, 2, true, table("pg-1", ops)));

        Verdict verdict = Checker.check(new History(ops, List.of(), List.of(), finals), Mode.SYNC);
        assertThat(verdict.anomalies()).isEmpty();
    }

    @Test
    void aMemberWithIdsThePrimaryLacksOrAnotherSystemOrALaterTimelineHasDiverged() {
        List<Op> ops = failoverHistory();
        Observation withExtra = table("pg-0", ops);
        Map<Integer, List<Long>> extra = new LinkedHashMap<>(withExtra.idsByClient());
        List<Long> client1 = new ArrayList<>(extra.get(1));
        client1.add(999L);
        extra.put(1, client1);
        List<MemberState> finals = List.of(
                new MemberState("pg-0", SYS, 1, false, new Observation("final", "pg-0", 0, extra)),
                new MemberState("pg-1", SYS, 2, true, table("pg-1", ops)),
                new MemberState("pg-2", "7300000000000000999", 3, false, table("pg-2", ops)));

        Verdict verdict = Checker.check(new History(ops, List.of(), List.of(KILL), finals), Mode.SYNC);
        assertThat(verdict.count(Kind.DIVERGED)).isEqualTo(2);
        assertThat(verdict.anomalies())
                .extracting(Checker.Anomaly::detail)
                .anySatisfy(d -> assertThat(d).startsWith("pg-0").contains("1 ids the primary has not: 1:999"))
                .anySatisfy(d -> assertThat(d).startsWith("pg-2").contains("system identifier", "timeline 3"));
    }

    @Test
    void idsOutOfAcknowledgedOrderOrAGapBeforeAVisibleIdAreFound() {
        List<Op> ops = failoverHistory();
        Observation swapped = new Observation("read", "pg-2", 2000 * MS, Map.of(1, List.of(1L, 3L, 2L)));
        Observation gap = new Observation("read", "pg-2", 2000 * MS, Map.of(2, List.of(1L, 2L, 4L)));

        Verdict verdict = checkReads(ops, swapped, gap);
        assertThat(verdict.count(Kind.OUT_OF_ORDER)).isEqualTo(2);
        assertThat(verdict.anomalies())
                .extracting(Checker.Anomaly::detail)
                .anySatisfy(d -> assertThat(d).contains("client 1 has 2 after 3"))
                .anySatisfy(d ->
                        assertThat(d).contains("client 2 shows acknowledged 4 without the earlier acknowledged 3"));
    }

    @Test
    void aWriteWithUnknownOutcomeThatCommitsAfterLaterIdsIsNotOutOfOrder() {
        List<Op> ops = failoverHistory();
        // found by the asynchronous 100-fault run: id 101 timed out while the primary was paused
        // (unknown), its backend committed it after the client had gone on with 103 and 104
        List<Long> late = new ArrayList<>();
        for (long seq = 1; seq <= 100; seq++) {
            late.add(seq);
        }
        late.addAll(List.of(103L, 104L, 101L, 105L));
        Observation read = new Observation("read", "pg-1", 3100 * MS, Map.of(1, late), false);
        // acknowledged ids out of order are still found, with an unknown one between them
        Observation swapped =
                new Observation("read", "pg-1", 3100 * MS, Map.of(1, List.of(103L, 101L, 105L, 104L)), false);

        assertThat(checkReads(ops, read).count(Kind.OUT_OF_ORDER)).isZero();
        assertThat(checkReads(ops, swapped).anomalies())
                .extracting(Checker.Anomaly::detail)
                .anySatisfy(d -> assertThat(d).contains("client 1 has 104 after 105"));
    }

    @Test
    void aWindowThatStartsAtALateUnknownWriteJudgesFromTheFirstAcknowledgedIdInIt() {
        List<Op> ops = failoverHistory();
        // 101's outcome is unknown and it committed after 104: the table's order is 103, 104, 101, 105,
        // and a reader's window starting at 104 holds 101 but not 103
        Observation window = new Observation("read", "pg-2", 3100 * MS, Map.of(1, List.of(104L, 101L, 105L)), false);
        // a gap after the first acknowledged id in the window is still a gap
        Observation gap = new Observation("read", "pg-2", 3100 * MS, Map.of(1, List.of(104L, 101L, 106L)), false);

        assertThat(checkReads(ops, window).count(Kind.OUT_OF_ORDER)).isZero();
        assertThat(checkReads(ops, gap).anomalies())
                .extracting(Checker.Anomaly::detail)
                .anySatisfy(d ->
                        assertThat(d).contains("client 1 shows acknowledged 106 without the earlier acknowledged 105"));
    }

    @Test
    void aWindowedReadJudgesOnlyFromEachClientsFirstIdInTheWindow() {
        List<Op> ops = failoverHistory();
        // the reader's window starts at client 2's id 3: ids 1 and 2 are outside it, not missing
        Observation window = new Observation("read", "pg-2", 2000 * MS, Map.of(2, List.of(3L, 4L)), false);
        // inside the window a gap is still a gap
        Observation gap = new Observation("read", "pg-2", 2000 * MS, Map.of(2, List.of(2L, 4L)), false);
        // a whole-table read missing the first ids is judged on them
        Observation whole = new Observation("read", "pg-2", 2000 * MS, Map.of(2, List.of(3L, 4L)), true);

        assertThat(checkReads(ops, window).count(Kind.OUT_OF_ORDER)).isZero();
        assertThat(checkReads(ops, gap).anomalies())
                .extracting(Checker.Anomaly::detail)
                .anySatisfy(d ->
                        assertThat(d).contains("client 2 shows acknowledged 4 without the earlier acknowledged 3"));
        assertThat(checkReads(ops, whole).anomalies())
                .extracting(Checker.Anomaly::detail)
                .anySatisfy(d ->
                        assertThat(d).contains("client 2 shows acknowledged 4 without the earlier acknowledged 1"));
    }

    @Test
    void aReadOfAPrefixIsInOrder() {
        List<Op> ops = failoverHistory();
        Observation prefix = new Observation("read", "pg-2", 500 * MS, Map.of(1, List.of(1L, 2L, 3L)));

        Verdict verdict = checkReads(ops, prefix);
        assertThat(verdict.anomalies()).isEmpty();
    }

    @Test
    void aWriteItsClientSawFailThatIsInTheTableIsFound() {
        List<Op> ops = failoverHistory();
        // client 1's seq 102 failed definitely (at 1600 ms); put it in the final tables
        Observation primaryTable = table("pg-1", ops);
        Map<Integer, List<Long>> ids = new LinkedHashMap<>(primaryTable.idsByClient());
        List<Long> client1 = new ArrayList<>(ids.get(1));
        client1.add(100, 102L);
        ids.put(1, client1);
        Observation withFailed = new Observation("final", "pg-1", 0, ids);
        List<MemberState> finals = List.of(new MemberState("pg-1", SYS, 2, true, withFailed));

        Verdict verdict = Checker.check(new History(ops, List.of(), List.of(KILL), finals), Mode.SYNC);
        assertThat(verdict.count(Kind.FAILED_WRITE_PRESENT)).isEqualTo(1);
    }

    @Test
    void noPrimaryOrTwoPrimariesAfterHealingIsFound() {
        List<Op> ops = failoverHistory();
        List<MemberState> two = List.of(
                new MemberState("pg-0", SYS, 1, true, table("pg-0", ops)),
                new MemberState("pg-1", SYS, 2, true, table("pg-1", ops)));
        assertThat(Checker.check(new History(ops, List.of(), List.of(), two), Mode.SYNC)
                        .count(Kind.NO_SINGLE_PRIMARY))
                .isEqualTo(1);
        assertThat(Checker.check(new History(ops, List.of(), List.of(), List.of()), Mode.SYNC)
                        .count(Kind.NO_SINGLE_PRIMARY))
                .isEqualTo(1);
    }

    @Test
    void unavailabilityIsReportedPerFaultTypeAsNearestRankPercentiles() {
        List<Op> ops = new ArrayList<>();
        long seq = 1;
        for (long t = 0; t < 10_000; t += 10) {
            boolean down = (t >= 1000 && t < 1500) || (t >= 4000 && t < 4300) || (t >= 7000 && t < 8000);
            if (!down) {
                ops.add(Op.ok(1, seq++, t * MS, (t + 5) * MS, PG0_TL1));
            }
        }
        List<Fault> faults = List.of(
                new Fault(0, "pause-agent", "", 1000 * MS, 1000 * MS, 3000 * MS, Optional.empty()),
                new Fault(1, "pause-agent", "", 4000 * MS, 4000 * MS, 6000 * MS, Optional.empty()),
                new Fault(2, "kill-postmaster", "", 7000 * MS, 7000 * MS, 9000 * MS, Optional.empty()));
        List<MemberState> finals = List.of(new MemberState("pg-0", SYS, 1, true, table("pg-0", ops)));

        Verdict verdict = Checker.check(new History(ops, List.of(), faults, finals), Mode.SYNC);
        assertThat(verdict.outages()).extracting(o -> o.longestGap().toMillis()).containsExactly(510L, 310L, 1010L);
        assertThat(verdict.unavailability())
                .containsEntry("pause-agent", new Stats(2, 310, 510, 510))
                .containsEntry("kill-postmaster", new Stats(1, 1010, 1010, 1010));
    }

    @Test
    void theHarnessHoldingWritesAfterAFaultSettledIsNotUnavailability() {
        List<Op> ops = new ArrayList<>();
        long seq = 1;
        for (long t = 0; t < 4000; t += 10) {
            boolean down = (t >= 1000 && t < 1500) || (t >= 2000 && t < 2800); // the fault, then the check
            if (!down) {
                ops.add(Op.ok(1, seq++, t * MS, (t + 5) * MS, PG0_TL1));
            }
        }
        List<Fault> faults =
                List.of(new Fault(0, "pause-agent", "", 1000 * MS, 1200 * MS, 2000 * MS, Optional.empty()));
        List<MemberState> finals = List.of(new MemberState("pg-0", SYS, 1, true, table("pg-0", ops)));

        Verdict verdict = Checker.check(new History(ops, List.of(), faults, finals), Mode.SYNC);
        assertThat(verdict.outages()).singleElement().satisfies(o -> assertThat(o.longestGap())
                .isEqualTo(Duration.ofMillis(510)));
    }

    @Test
    void aFaultAfterWhichWritesNeverResumedReportsTheGapToTheEnd() {
        List<Op> ops = List.of(Op.ok(1, 1, 0, 5 * MS, PG0_TL1), Op.failed(1, 2, 100 * MS, 900 * MS));
        List<Fault> faults = List.of(new Fault(0, "kill-node", "", 50 * MS, 60 * MS, 2000 * MS, Optional.empty()));
        List<MemberState> finals = List.of(new MemberState("pg-0", SYS, 1, true, table("pg-0", ops)));

        Verdict verdict = Checker.check(new History(ops, List.of(), faults, finals), Mode.SYNC);
        assertThat(verdict.outages()).singleElement().satisfies(o -> {
            assertThat(o.resumed()).isFalse();
            assertThat(o.longestGap()).isEqualTo(Duration.ofMillis(895));
        });
    }
}
