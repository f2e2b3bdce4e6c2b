package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Prometheus} runs Debian's Prometheus with the given configuration and the shipped rules. */
class PrometheusIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void scrapesLoadsTheShippedRulesAndAnswersQueries() {
        int port = Ports.free();
        String config = String.join(
                "\n",
                "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                "rule_files: ['rules/*.yml']",
                "scrape_configs:",
                "  - job_name: prometheus",
                "    static_configs: [{targets: ['127.0.0.1:" + port + "']}]",
                "");
        List<java.nio.file.Path> rules = MonitoringFiles.shipped().ruleFiles();
        Prometheus prometheus = infra.track(Prometheus.start(infra.workspace(), config, rules, port));

        Wait.until(
                DEADLINE,
                "Prometheus scraped itself",
                () -> prometheus.query("up{job=\"prometheus\"} == 1").seriesCount() == 1);
        assertThat(prometheus.targets())
                .singleElement()
                .satisfies(t -> assertThat(t.health()).isEqualTo("up"))
                .satisfies(t -> assertThat(t.scrapeUrl()).isEqualTo(prometheus.url() + "/metrics"));

        Wait.until(DEADLINE, "every shipped rule evaluated without error", () -> prometheus.rules().stream()
                .allMatch(r -> r.health().equals("ok")));
        assertThat(prometheus.rules())
                .extracting(Prometheus.Rule::name)
                .contains("pgha:cluster_writable_primaries:count", "PghaMemberDown", "PghaNoPrimary");

        // no health-monitor is scraped here: the watcher-is-watched rule is pending at once
        Wait.until(DEADLINE, "PghaHealthMonitorSilent pending", () -> prometheus.alerts().stream()
                .anyMatch(a -> a.labels().get("alertname").equals("PghaHealthMonitorSilent")
                        && a.state().equals("pending")));

        Prometheus.QueryResult bad = prometheus.query("sum(");
        assertThat(bad.ok()).isFalse();
        assertThat(bad.error()).isNotBlank();
        assertThat(prometheus.metricNames()).contains("up", "prometheus_build_info");
    }

    @Test
    void aConfigurationPromtoolRefusesIsNotStarted() {
        assertThatThrownBy(() -> infra.prometheus("scrape_configs: [{job_name: x, no_such_field: 1}]\n", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("promtool refused")
                .hasMessageContaining("no_such_field");
    }
}
