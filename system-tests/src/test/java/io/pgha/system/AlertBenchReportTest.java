package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.system.AlertBenchReport.Latencies;
import io.pgha.system.AlertBenchReport.Results;
import io.pgha.system.FailoverBenchReport.Machine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertBenchReportTest {
    @Test
    void percentilesAreNearestRank() {
        List<Long> hundred = new ArrayList<>();
        for (long i = 100; i >= 1; i--) {
            hundred.add(i);
        }
        assertThat(Latencies.of(hundred)).isEqualTo(new Latencies(100, 50, 99, 100));
        assertThat(Latencies.of(List.of(7L))).isEqualTo(new Latencies(1, 7, 7, 7));
        assertThat(Latencies.of(List.of(30L, 10L, 20L))).isEqualTo(new Latencies(3, 20, 30, 30));
        assertThat(Latencies.of(List.of())).isEqualTo(new Latencies(0, -1, -1, -1));
    }

    @Test
    void sectionHasTheTableTheMachineAndWhetherTheGoalIsMet() {
        Machine machine = new Machine(2, "cpu", 4096, "sw", "start", "end", "median 1.0", "cmd");
        Results met = new Results(
                new Latencies(100, 40, 120, 130),
                new Latencies(100, 35, 90, 95),
                new Latencies(10, 9000, 14000, 14000),
                new Latencies(10, 5000, 9000, 9000),
                "5s",
                "5s",
                5);
        String section = AlertBenchReport.section(met, machine);
        assertThat(section)
                .startsWith(AlertBenchReport.HEADING + "\n")
                .contains("| alert-service (events) | 100 | 40 ms | 120 ms | 130 ms | 35 ms | 90 ms | 95 ms |")
                .contains(
                        "| Prometheus rule (scrapes) | 10 | 9000 ms | 14000 ms | 14000 ms | 5000 ms | 9000 ms | 9000 ms |")
                .contains("scrape 5s, evaluation 5s")
                .contains("**Machine**: 2 CPUs (cpu)")
                .contains("**met**");
        Results slow = new Results(
                new Latencies(100, 400, 1200, 1300),
                new Latencies(0, -1, -1, -1),
                new Latencies(0, -1, -1, -1),
                new Latencies(0, -1, -1, -1),
                "5s",
                "5s",
                5);
        assertThat(AlertBenchReport.section(slow, machine))
                .contains("**not met**")
                .contains("| Prometheus rule (scrapes) | 0 | – | – | – | – | – | – |");
    }
}
