package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.system.FailoverBenchReport.Machine;
import io.pgha.system.FailoverBenchReport.Sample;
import io.pgha.system.FailoverBenchReport.Scenario;
import io.pgha.system.FailoverBenchReport.Stats;
import io.pgha.system.FailoverBenchReport.SystemUnderTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailoverBenchReportTest {
    private static final Machine MACHINE =
            new Machine(2, "cpu", 24 * 1024, "software", "start", "end", "median 2.0", "./mvnw verify");

    @Test
    void statsAreTheMedianAndMaximumOfTheCompletedRuns() {
        assertThat(Stats.of(List.of(5L, 1L, 3L))).isEqualTo(new Stats(3, 3, 5));
        assertThat(Stats.of(List.of(4L, 1L, 3L, 10L))).isEqualTo(new Stats(4, 3.5, 10));
        assertThat(Stats.of(List.of()).runs()).isZero();

        List<Sample> samples = List.of(
                sample("pgha", 1, 12_000, 0),
                sample("pgha", 2, 14_000, 2),
                failed("pgha", 3),
                sample("pgha", 4, 13_000, 0));
        assertThat(FailoverBenchReport.unavailability(samples, "pgha", Scenario.NODE_LOSS))
                .isEqualTo(new Stats(3, 13_000, 14_000));
        assertThat(FailoverBenchReport.lost(samples, "pgha", Scenario.NODE_LOSS))
                .isEqualTo(new Stats(3, 0, 2));
    }

    @Test
    void theTableShowsEverySystemAndTheRatiosOfPghaToEachPatroni() {
        List<SystemUnderTest> systems = List.of(
                new SystemUnderTest("pgha", "ttl 10 s"),
                new SystemUnderTest("Patroni defaults", "ttl 30 s"),
                new SystemUnderTest("Patroni fast", "ttl 20 s"));
        List<Sample> samples = List.of(
                sample("pgha", 1, 10_000, 0),
                sample("Patroni defaults", 1, 40_000, 0),
                sample("Patroni fast", 1, 20_000, 0));

        String section = FailoverBenchReport.render(
                systems, List.of(Scenario.values()), samples, List.of(), MACHINE, 1, List.of());

        assertThat(section)
                .startsWith(FailoverBenchReport.HEADING + "\n")
                .contains(FailoverBenchReport.WHAT_IS_MEASURED)
                .contains("Not measured in this run.")
                .contains("| pgha | 1 | 10.0 s | 10.0 s | 0 | 0 |")
                .contains("| Patroni defaults | 1 | 40.0 s | 40.0 s | 0 | 0 |")
                .contains("| **pgha / Patroni defaults** | | 0.25 | 0.25 | – | – |")
                .contains("| **pgha / Patroni fast** | | 0.50 | 0.50 | – | – |")
                .contains("./mvnw verify")
                .contains("**Partial results**: 3 of 9");
    }

    @Test
    void tlsAgainstPlaintextHasItsOwnSectionAndTheRatioOfPghaToPghaInsecure() {
        List<SystemUnderTest> systems =
                List.of(new SystemUnderTest("pgha", "TLS on"), new SystemUnderTest("pgha --insecure", "plaintext"));
        List<Sample> samples = List.of(sample("pgha", 1, 11_000, 0), sample("pgha --insecure", 1, 10_000, 0));

        String section = FailoverBenchReport.render(
                FailoverBenchReport.TLS_HEADING,
                systems,
                List.of(Scenario.NODE_LOSS),
                samples,
                List.of(),
                MACHINE,
                1,
                List.of());

        assertThat(section)
                .startsWith("## Failover with TLS on (issue 21)\n")
                .doesNotContain(FailoverBenchReport.HEADING)
                .contains("| pgha | 1 | 11.0 s | 11.0 s | 0 | 0 |")
                .contains("| pgha --insecure | 1 | 10.0 s | 10.0 s | 0 | 0 |")
                .contains("| **pgha / pgha --insecure** | | 1.10 | 1.10 | – | – |");
        assertThat(BenchMachine.replaceSection(
                        "# B\n\n" + FailoverBenchReport.HEADING + "\n\nPatroni\n\n" + FailoverBenchReport.TLS_HEADING
                                + "\n\nstale numbers\n",
                        FailoverBenchReport.TLS_HEADING,
                        section))
                .as("the Patroni comparison stays")
                .contains(FailoverBenchReport.HEADING + "\n\nPatroni\n")
                .doesNotContain("stale numbers");
    }

    @Test
    void theOpenLoopTableShowsGapFailuresAndLatencyOfEachSystem() {
        List<SystemUnderTest> systems =
                List.of(new SystemUnderTest("pgha", "ttl 10 s"), new SystemUnderTest("Patroni ttl 5", "ttl 5 s"));
        List<Sample> samples = List.of(
                switchover("pgha", 1, openLoop(2_500, 30, 0, 900, 1_200)),
                switchover("pgha", 2, openLoop(2_300, 28, 0, 1_100, 1_400)),
                switchover("Patroni ttl 5", 1, openLoop(1_600, 50, 5, 100, 3_000)));

        String section = FailoverBenchReport.render(
                systems, List.of(Scenario.SWITCHOVER), samples, List.of(), MACHINE, 2, List.of());

        assertThat(section)
                .contains("### Scenario 3: planned switchover")
                .doesNotContain("### Scenario 1")
                .contains("| pgha | 2 | 2.4 s | 2.5 s | 29 (30) | 0 (0) | 1000 / 1300 / 1400 ms "
                        + "| 1000 / 1300 / 1400 ms |")
                .contains("| Patroni ttl 5 | 1 | 1.6 s | 1.6 s | 50 (50) | 5 (5) | 100 / 3000 / 3000 ms "
                        + "| 100 / 3000 / 3000 ms |")
                .contains("| **pgha / Patroni ttl 5** | | 1.50 | 1.56 | | | | |")
                .contains("| pgha | 3 | 1 | 1.0 s | 1 | 100 | 0 | 2.5 s | 30 / 0 |")
                .contains("**Partial results**: 3 of 4");
        assertThat(FailoverBenchReport.latency(samples, "pgha", Scenario.SWITCHOVER, false))
                .isEqualTo(new FailoverBenchReport.LatencySummary(1_000, 1_300, 1_400));
    }

    @Test
    void theFootprintTableShowsEveryProcessAndEachSystemsTotal() {
        List<SystemUnderTest> systems =
                List.of(new SystemUnderTest("pgha", "ttl 10 s"), new SystemUnderTest("Patroni defaults", "ttl 30 s"));
        List<Footprint.Usage> usages = List.of(
                new Footprint.Usage("pgha", "agent pg-0", 11, 3.25, 120 * 1024),
                new Footprint.Usage("pgha", "kafka", 12, 1.0, 300 * 1024),
                new Footprint.Usage("Patroni defaults", "patroni pg-0", 21, 0.3, 44 * 1024));

        String section = FailoverBenchReport.render(
                systems, List.of(Scenario.NODE_LOSS), List.of(), usages, MACHINE, 1, List.of());

        assertThat(section)
                .contains("### Idle footprint")
                .contains("| pgha | agent pg-0 | 3.3 | 120 |")
                .contains("| pgha | kafka | 1.0 | 300 |")
                .contains("| pgha | **all 2** | **4.3** | **420** |")
                .contains("| Patroni defaults | patroni pg-0 | 0.3 | 44 |")
                .contains("| Patroni defaults | **all 1** | **0.3** | **44** |");
    }

    @Test
    void theSectionIsReplacedAndTheOthersStay() {
        String document = "# Benchmarks\n\n## a\n\ntext a\n\n" + FailoverBenchReport.HEADING
                + "\n\nold\n```\n## not a heading\n```\n\n## b\n\ntext b\n";

        String replaced = FailoverBenchReport.replaceSection(document, FailoverBenchReport.HEADING + "\n\nnew\n");

        assertThat(replaced)
                .isEqualTo("# Benchmarks\n\n## a\n\ntext a\n\n" + FailoverBenchReport.HEADING
                        + "\n\nnew\n\n## b\n\ntext b\n");
        assertThat(FailoverBenchReport.replaceSection("# Benchmarks\n\n## a\n", FailoverBenchReport.HEADING + "\n"))
                .isEqualTo("# Benchmarks\n\n## a\n\n" + FailoverBenchReport.HEADING + "\n");
    }

    @Test
    void patroniTimingsKeepItsRuleAndSayWhenBelowItsDocumentedMinimum() {
        assertThat(new PatroniCluster.Timings(20, 2, 5).belowDocumentedMinimum())
                .isFalse();
        assertThat(new PatroniCluster.Timings(5, 1, 2).belowDocumentedMinimum()).isTrue();
        assertThat(new PatroniCluster.Timings(5, 1, 2).toString()).contains("below the documented minimum");
        assertThatThrownBy(() -> new PatroniCluster.Timings(5, 0, 2)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new PatroniCluster.Timings(20, 10, 6))
                .hasMessageContaining("loop_wait + 2 * retry_timeout <= ttl");
    }

    @Test
    void patroniRaisesTimingsBelowItsMinimumFrom320On() {
        assertThat(PatroniCluster.raisesSmallTimings("patroni 3.0.2")).isFalse();
        assertThat(PatroniCluster.raisesSmallTimings("patroni 3.1.2")).isFalse();
        assertThat(PatroniCluster.raisesSmallTimings("patroni 3.2.0")).isTrue();
        assertThat(PatroniCluster.raisesSmallTimings("patroni 4.0.4")).isTrue();
        assertThat(PatroniCluster.raisesSmallTimings("?")).isTrue();
    }

    private static Sample sample(String system, int run, long millis, long lost) {
        return new Sample(
                system,
                Scenario.NODE_LOSS,
                run,
                Optional.of(Duration.ofMillis(millis)),
                3,
                100,
                lost,
                "ok",
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    private static Sample switchover(String system, int run, OpenLoop.Result openLoop) {
        return new Sample(
                system,
                Scenario.SWITCHOVER,
                run,
                Optional.of(Duration.ofMillis(1_000)),
                1,
                100,
                0,
                "ok",
                Optional.empty(),
                Optional.empty(),
                Optional.of(openLoop));
    }

    /** An open-loop result whose steady and fault-window latencies are both {@code p50 / p99 / p99}. */
    private static OpenLoop.Result openLoop(long gapMillis, int failed, int failedAfter, double p50, double p99) {
        OpenLoop.Latency latency = new OpenLoop.Latency(10, p50, p99, p99);
        return new OpenLoop.Result(
                200,
                Optional.of(Duration.ofMillis(gapMillis)),
                0,
                0,
                "pg-1",
                failed,
                failedAfter,
                latency,
                latency,
                Map.of());
    }

    private static Sample failed(String system, int run) {
        return new Sample(
                system,
                Scenario.NODE_LOSS,
                run,
                Optional.empty(),
                0,
                0,
                0,
                "",
                Optional.of("did not resume"),
                Optional.empty(),
                Optional.empty());
    }
}
