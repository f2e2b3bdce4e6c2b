package io.pgha.renderer.pool.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolMetricsCollectorTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FakeConsole console = new FakeConsole();
    private final PoolMetricsCollector collector =
            new PoolMetricsCollector(Map.of("main", console), new PoolMeters(registry));

    @Test
    void everyPoolIsExposedInPrometheusTextWithClusterDatabaseAndUser() {
        console.answers = AdminConsoleAnswers.saturated();

        collector.collect();

        List<String> text = samples();
        assertThat(text)
                .contains(
                        "pgha_pool_up{cluster=\"main\"} 1.0",
                        "pgha_pool_clients_active{cluster=\"main\",database=\"app\",user=\"app\"} 20.0",
                        "pgha_pool_clients_waiting{cluster=\"main\",database=\"app\",user=\"app\"} 7.0",
                        "pgha_pool_server_connections{cluster=\"main\",database=\"app\",state=\"active\",user=\"app\"} 18.0",
                        "pgha_pool_server_connections{cluster=\"main\",database=\"app\",state=\"idle\",user=\"app\"} 1.0",
                        "pgha_pool_size{cluster=\"main\",database=\"app\",user=\"app\"} 20.0",
                        "pgha_pool_reserve_size{cluster=\"main\",database=\"app\",user=\"app\"} 5.0",
                        "pgha_pool_max_wait_seconds{cluster=\"main\",database=\"app\",user=\"app\"} 3.25",
                        "pgha_pool_transactions_total{cluster=\"main\",database=\"app\"} 1234.0",
                        "pgha_pool_queries_total{cluster=\"main\",database=\"app\"} 2345.0",
                        "pgha_pool_client_wait_seconds_total{cluster=\"main\",database=\"app\"} 1.5",
                        "pgha_pool_client_connections{cluster=\"main\"} 28.0",
                        "pgha_pool_max_client_connections{cluster=\"main\"} 400.0",
                        "pgha_pool_clients_active{cluster=\"main\",database=\"pgbouncer\",user=\"pgbouncer\"} 1.0");
    }

    @Test
    void everySnapshotReadIsHandedToTheSinkStampedWithTheClockAndAnUnreadableOneIsNot() {
        java.time.Instant at = java.time.Instant.parse("2026-12-02T04:00:00Z");
        List<String> heard = new ArrayList<>();
        PoolMetricsCollector publishing = new PoolMetricsCollector(
                Map.of("main", console),
                new PoolMeters(registry),
                (cluster, snapshot, when) ->
                        heard.add(cluster + " " + when + " " + snapshot.pools().size()),
                java.time.Clock.fixed(at, java.time.ZoneOffset.UTC));
        console.answers = AdminConsoleAnswers.saturated();
        publishing.collect();
        console.answers = null;
        publishing.collect();

        assertThat(heard).singleElement().asString().startsWith("main 2026-12-02T04:00:00Z ");
    }

    @Test
    void anUnreachableConsoleIsUpZeroAndNoStaleNumbers() {
        console.answers = AdminConsoleAnswers.saturated();
        collector.collect();
        console.answers = null;

        collector.collect();

        assertThat(samples()).containsExactly("pgha_pool_up{cluster=\"main\"} 0.0");
    }

    @Test
    void anUnreadableAnswerIsUpZeroToo() {
        Map<String, List<Map<String, String>>> broken = new LinkedHashMap<>(AdminConsoleAnswers.saturated());
        broken.put("SHOW CONFIG", List.of());
        console.answers = broken;

        collector.collect();

        assertThat(samples()).containsExactly("pgha_pool_up{cluster=\"main\"} 0.0");
    }

    @Test
    void aPoolThatIsGoneLosesItsSeriesAndOneThatIsBackGetsThem() {
        console.answers = AdminConsoleAnswers.saturated();
        collector.collect();
        Map<String, List<Map<String, String>>> onlyConsole = new LinkedHashMap<>(AdminConsoleAnswers.saturated());
        onlyConsole.put("SHOW POOLS", List.of(onlyConsole.get("SHOW POOLS").get(1)));
        onlyConsole.put("SHOW STATS", List.of(onlyConsole.get("SHOW STATS").get(1)));
        console.answers = onlyConsole;

        collector.collect();
        assertThat(samples())
                .noneMatch(s -> s.contains("database=\"app\""))
                .contains("pgha_pool_up{cluster=\"main\"} 1.0");

        console.answers = AdminConsoleAnswers.saturated();
        collector.collect();
        assertThat(samples()).contains("pgha_pool_clients_waiting{cluster=\"main\",database=\"app\",user=\"app\"} 7.0");
    }

    /** The sample lines ({@code name{labels} value}) of the Prometheus text, without comments. */
    private List<String> samples() {
        List<String> lines = new ArrayList<>();
        registry.scrape()
                .lines()
                .filter(l -> !l.startsWith("#"))
                .filter(l -> l.startsWith("pgha_pool"))
                .map(l -> l.replace(",}", "}")) // the simpleclient text format ends the labels with a comma
                .forEach(lines::add);
        return lines;
    }

    private static final class FakeConsole implements AdminConsole {
        Map<String, List<Map<String, String>>> answers;

        @Override
        public Map<String, List<Map<String, String>>> read(List<String> commands) throws IOException {
            if (answers == null) {
                throw new IOException("Connection refused");
            }
            Map<String, List<Map<String, String>>> out = new LinkedHashMap<>();
            commands.stream().filter(answers::containsKey).forEach(c -> out.put(c, answers.get(c)));
            return out;
        }

        @Override
        public String describe() {
            return "fake console";
        }
    }
}
