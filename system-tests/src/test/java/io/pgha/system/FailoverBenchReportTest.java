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

        String section = FailoverBenchReport.render(systems, samples, MACHINE, 1, List.of());

        assertThat(section)
                .startsWith(FailoverBenchReport.HEADING + "\n")
                .contains("| pgha | 1 | 10.0 s | 10.0 s | 0 | 0 |")
                .contains("| Patroni defaults | 1 | 40.0 s | 40.0 s | 0 | 0 |")
                .contains("| **pgha / Patroni defaults** | | 0.25 | 0.25 | – | – |")
                .contains("| **pgha / Patroni fast** | | 0.50 | 0.50 | – | – |")
                .contains("./mvnw verify")
                .contains("**Partial results**: 3 of 9");
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
    void patroniTimingsFollowItsDocumentedRules() {
        assertThat(new PatroniCluster.Timings(20, 2, 5).ttl()).isEqualTo(20);
        assertThatThrownBy(() -> new PatroniCluster.Timings(19, 1, 3)).hasMessageContaining("ttl >= 20");
        assertThatThrownBy(() -> new PatroniCluster.Timings(20, 10, 6))
                .hasMessageContaining("loop_wait + 2 * retry_timeout <= ttl");
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
                Optional.empty());
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
                Optional.empty());
    }
}
