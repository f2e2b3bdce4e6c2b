package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped monitoring files pass the tools that will load them: {@code promtool check config},
 * {@code promtool check rules}, {@code promtool test rules} (the rules' unit tests) and
 * {@code amtool check-config}. A failure shows the tool's own output.
 */
class MonitoringConfigIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final MonitoringFiles files = MonitoringFiles.shipped();

    @Test
    void prometheusAcceptsTheScrapeConfigurationAndItsRules() {
        assertPasses(List.of(
                Prometheus.promtool().toString(),
                "check",
                "config",
                files.prometheusConfig().toString()));
    }

    @Test
    void theRulesAreValid() {
        List<String> command = new ArrayList<>(List.of(Prometheus.promtool().toString(), "check", "rules"));
        files.ruleFiles().forEach(f -> command.add(f.toString()));
        assertPasses(command);
    }

    @Test
    void theRulesPassTheirUnitTests() {
        List<String> command = new ArrayList<>(List.of(Prometheus.promtool().toString(), "test", "rules"));
        files.ruleTests().forEach(f -> command.add(f.toString()));
        Commands.Result result = assertPasses(command);
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void alertmanagerAcceptsItsConfiguration() {
        Path amtool = Commands.require("amtool", "prometheus-alertmanager");
        Commands.Result result = assertPasses(List.of(
                amtool.toString(), "check-config", files.alertmanagerConfig().toString()));
        assertThat(result.output()).contains("3 inhibit rules");
    }

    private static Commands.Result assertPasses(List<String> command) {
        Commands.Result result = Commands.run(command, TIMEOUT);
        assertThat(result.exitCode())
                .as("%s failed:%n%s", String.join(" ", command), result.output())
                .isZero();
        return result;
    }
}
