package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.system.OpenLoop.Attempt;
import io.pgha.system.OpenLoop.Latency;
import io.pgha.system.OpenLoop.Outcome;
import io.pgha.system.OpenLoop.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopTest {
    private static final long MS = 1_000_000;
    /** The fault, at 10 s. */
    private static final long FAULT = 10_000 * MS;

    @Test
    void theGapIsTheLongestStretchBetweenAcknowledgementsThatEndsAfterTheFault() {
        List<Attempt> attempts = new ArrayList<>();
        // steady state: one every 50 ms from 8 s, 40 ms each
        for (long start = 8_000; start < 10_000; start += 50) {
            attempts.add(ack(start, start + 40, "pg-0"));
        }
        // an attempt in flight at the fault, acknowledged at 10.1 s by the old primary
        attempts.add(ack(9_990, 10_100, "pg-0"));
        // failures from 10 s to 12 s, then the new primary acknowledges attempts started from 12 s
        for (long start = 10_000; start < 12_000; start += 50) {
            attempts.add(failed(start, start + 5));
        }
        for (long start = 12_000; start < 14_000; start += 50) {
            attempts.add(ack(start, start + 300, "pg-1"));
        }
        // a longer gap before the fault does not count
        attempts.add(ack(1_000, 1_040, "pg-0"));

        Result result = OpenLoop.analyse(attempts, FAULT);

        assertThat(result.gap()).contains(Duration.ofMillis(12_300 - 10_100));
        assertThat(result.gapStartNanos()).isEqualTo(10_100 * MS);
        assertThat(result.gapEndNanos()).isEqualTo(12_300 * MS);
        assertThat(result.resumedOn()).isEqualTo("pg-1");
        assertThat(result.failed()).isEqualTo(40);
        assertThat(result.failedAfterRecovery()).isZero();
        assertThat(result.attempts()).isEqualTo(attempts.size());
    }

    @Test
    void failuresAfterRecoveryAreThoseThatStartedAfterTheAcknowledgementEndingTheGap() {
        List<Attempt> attempts = new ArrayList<>(List.of(
                ack(9_900, 9_950, "pg-0"),
                // the fault at 10 s; timeouts, then recovery at 11.5 s on pg-1
                timedOut(9_960, 12_960),
                timedOut(10_000, 13_000),
                ack(11_000, 11_500, "pg-1"),
                // started after the recovery and still failed (HAProxy still sends some to the old primary)
                failed(11_600, 11_610),
                failed(11_700, 11_720),
                notStarted(11_800),
                // started before the recovery: failed, but not after recovery
                failed(11_400, 11_650),
                ack(11_900, 12_000, "pg-1")));

        Result result = OpenLoop.analyse(attempts, FAULT);

        assertThat(result.gap()).contains(Duration.ofMillis(11_500 - 9_950));
        assertThat(result.failed()).isEqualTo(6);
        assertThat(result.failedAfterRecovery()).isEqualTo(3);
        assertThat(OpenLoop.describe(result.failedAfterRecoveryKinds()))
                .isEqualTo("2 PSQLException: connection refused, 1 not started (threads busy)");
    }

    @Test
    void aLaterLongerGapIsTheGapAndTheFailuresBeforeItAreNotAfterRecovery() {
        List<Attempt> attempts = List.of(
                ack(9_900, 9_950, "pg-0"),
                ack(10_400, 10_500, "pg-0"), // 0.55 s after the previous
                failed(10_600, 10_610),
                ack(12_000, 12_500, "pg-1")); // 2 s after the previous

        Result result = OpenLoop.analyse(attempts, FAULT);

        assertThat(result.gap()).contains(Duration.ofMillis(2_000));
        assertThat(result.resumedOn()).isEqualTo("pg-1");
        assertThat(result.failedAfterRecovery()).isZero();
        assertThat(result.failed()).isEqualTo(1);
    }

    @Test
    void withoutAnAcknowledgementAfterTheFaultThereIsNoGapAndNoRecovery() {
        Result result = OpenLoop.analyse(List.of(ack(9_000, 9_100, "pg-0"), failed(10_500, 10_600)), FAULT);

        assertThat(result.gap()).isEmpty();
        assertThat(result.gapMillis()).isEqualTo(-1);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.failedAfterRecovery()).isZero();
        assertThat(result.fault().count()).isZero();
    }

    @Test
    void withNoAcknowledgementBeforeTheFaultTheFirstStretchStartsAtTheFault() {
        Result result = OpenLoop.analyse(List.of(ack(10_500, 11_000, "pg-1")), FAULT);

        assertThat(result.gap()).contains(Duration.ofMillis(1_000));
        assertThat(result.steady()).isEqualTo(Latency.NONE);
    }

    @Test
    void latencyIsOfAcknowledgedAttemptsInSteadyStateAndDuringTheFaultWindow() {
        List<Attempt> attempts = new ArrayList<>();
        // steady: 100 attempts with latencies 1..100 ms, all acknowledged before the fault
        for (int i = 1; i <= 100; i++) {
            attempts.add(ack(8_800 + i * 10, 8_800 + i * 10 + i, "pg-0"));
        }
        attempts.add(failed(9_000, 9_999)); // a failure has no latency
        // fault window: in flight between the fault (10 s) and the recovery (12 s)
        attempts.add(ack(9_900, 10_050, "pg-0")); // 150 ms, started before the fault, ended after it
        attempts.add(ack(11_000, 12_000, "pg-1")); // 1000 ms: ends the gap
        attempts.add(ack(11_800, 12_400, "pg-1")); // 600 ms: started before the recovery
        attempts.add(ack(12_100, 12_150, "pg-1")); // after the recovery: in neither

        Result result = OpenLoop.analyse(attempts, FAULT);

        assertThat(result.steady()).isEqualTo(new Latency(100, 50, 99, 100));
        assertThat(result.fault()).isEqualTo(new Latency(3, 600, 1000, 1000));
    }

    @Test
    void percentilesAreNearestRank() {
        assertThat(OpenLoop.percentile(List.of(1L, 2L, 3L, 4L), 0.5)).isEqualTo(2);
        assertThat(OpenLoop.percentile(List.of(1L, 2L, 3L, 4L), 0.99)).isEqualTo(4);
        assertThat(OpenLoop.percentile(List.of(7L), 0.5)).isEqualTo(7);
    }

    private static Attempt ack(long startMillis, long endMillis, String member) {
        return attempt(startMillis, endMillis, Outcome.ACKNOWLEDGED, member);
    }

    private static Attempt failed(long startMillis, long endMillis) {
        return attempt(startMillis, endMillis, Outcome.FAILED, "PSQLException: connection refused");
    }

    private static Attempt timedOut(long startMillis, long endMillis) {
        return attempt(startMillis, endMillis, Outcome.TIMED_OUT, "no answer within 3000 ms");
    }

    private static Attempt notStarted(long startMillis) {
        return attempt(startMillis, startMillis, Outcome.NOT_STARTED, "all threads busy");
    }

    private static Attempt attempt(long startMillis, long endMillis, Outcome outcome, String detail) {
        return new Attempt(startMillis, startMillis * MS, endMillis * MS, outcome, detail);
    }
}
