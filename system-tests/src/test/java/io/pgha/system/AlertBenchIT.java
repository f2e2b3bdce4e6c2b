package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.pgha.events.BackupEvent;
import io.pgha.events.PghaEvent;
import io.pgha.events.Topics;
import io.pgha.local.Alertmanager;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.MonitoringFiles;
import io.pgha.local.Ports;
import io.pgha.local.Prometheus;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import io.pgha.local.fuzz.HostileRecords;
import io.pgha.system.AlertBenchReport.Latencies;
import io.pgha.system.AlertBenchReport.Results;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Event → alert visible in Alertmanager: alert-service (Kafka event → rule → outbox → {@code POST
 * /api/v2/alerts}) over {@code bench.alerts} induced alerts (default 100, goal p99 &lt; 1 s), and for
 * contrast the shipped Prometheus rule {@code PghaMemberDown} at the shipped scrape and evaluation
 * intervals over {@code bench.rule.runs} runs (default 10). Every latency ends when Alertmanager's
 * {@code GET /api/v2/alerts} (polled every 5 ms) shows the alert, or no longer shows it. The results
 * replace the "Alerts: event → Alertmanager" section of docs/benchmarks.md ({@link AlertBenchReport}
 * says exactly what is measured). Run with {@link #COMMAND}.
 */
@Tag("bench")
class AlertBenchIT {
    static final String COMMAND = "flock /tmp/pgha-heavy.lock ./mvnw -o -B -pl system-tests -am verify -Dgroups=bench "
            + "-Dpgha.excluded.groups=none -Dit.test=AlertBenchIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false "
            + "-Dfailsafe.failIfNoSpecifiedTests=false";
    private static final int ALERTS = Integer.getInteger("bench.alerts", 100);
    private static final int RULE_RUNS = Integer.getInteger("bench.rule.runs", 10);
    private static final int WARMUP = 5;
    private static final Duration POLL = Duration.ofMillis(5);
    private static final Duration EVENT_DEADLINE = Duration.ofSeconds(10);
    private static final Duration RULE_DEADLINE = Duration.ofSeconds(60);
    private static final Pattern INTERVAL =
            Pattern.compile("(?m)^\\s*(scrape_interval|evaluation_interval):\\s*(\\S+)");

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    private final Map<String, Integer> reachable = new ConcurrentHashMap<>();

    @Test
    void eventToAlertInAlertmanagerAgainstThePrometheusRule() throws Exception {
        Instant started = Instant.now();
        try (BenchMachine machine = BenchMachine.sampling()) {
            KafkaBroker kafka = infra.kafka();
            KafkaBroker.createTopics(kafka.bootstrapServers(), Topics.ALL);
            Alertmanager alertmanager = infra.alertmanager(Alertmanager.QUIET_CONFIG);
            infra.service(
                    "alert-service",
                    QuarkusService.moduleJar("alert-service"),
                    Map.of(
                            "kafka.bootstrap.servers",
                            kafka.bootstrapServers(),
                            "pgha.alert.name",
                            "bench",
                            "pgha.alert.alertmanagers",
                            alertmanager.url(),
                            "pgha.alert.outbox-dir",
                            infra.workspace().dir("outbox").toString(),
                            // the benchmark's clusters have no health-monitor or coordinator
                            "pgha.alert.health-monitor-silent-after",
                            "1h",
                            "pgha.alert.coordinator-silent-after",
                            "1h"));

            List<Long> eventFired = new ArrayList<>();
            List<Long> eventResolved = new ArrayList<>();
            try (HostileRecords producer = new HostileRecords(kafka.bootstrapServers())) {
                for (int n = 0; n < WARMUP + ALERTS; n++) {
                    String cluster = String.format("bench-%03d", n);
                    Cycle cycle = cycle(
                            () -> publish(producer, archiveFailed(cluster)),
                            () -> publish(producer, archived(cluster)),
                            alertmanager,
                            "PghaWalArchiveFailing",
                            "cluster",
                            cluster,
                            EVENT_DEADLINE);
                    if (n >= WARMUP) {
                        eventFired.add(cycle.fired());
                        eventResolved.add(cycle.resolved());
                    }
                }
            }
            System.out.printf(
                    "alert-service: fired %s, resolved %s%n", Latencies.of(eventFired), Latencies.of(eventResolved));

            String shipped = Files.readString(MonitoringFiles.shipped().prometheusConfig());
            Map<String, String> intervals = intervals(shipped);
            int metricsPort = serveMetrics();
            Prometheus prometheus = infra.prometheus(
                    prometheusConfig(intervals, metricsPort, alertmanager.url()),
                    MonitoringFiles.shipped().ruleFiles());
            List<Long> ruleFired = new ArrayList<>();
            List<Long> ruleResolved = new ArrayList<>();
            Wait.until(
                    RULE_DEADLINE,
                    "Prometheus scraped every benchmark member as reachable",
                    () -> prometheus
                                    .query("pgha:member_reachable:max{cluster=\"rule-bench\"} == 1")
                                    .seriesCount()
                            == RULE_RUNS);
            long scrapeMillis = Duration.parse(
                            "PT" + intervals.get("scrape_interval").toUpperCase(Locale.ROOT))
                    .toMillis();
            for (int n = 0; n < RULE_RUNS; n++) {
                String member = "m-" + n;
                // Each cycle ends just after an evaluation, so back-to-back runs would all start at one
                // phase of the scrape and evaluation cycle: run n starts n/RULE_RUNS of a scrape interval
                // later, spreading the phases evenly (a pause that sets the phase, not a wait for anything).
                Thread.sleep(n * scrapeMillis / RULE_RUNS);
                Cycle cycle = cycle(
                        () -> reachable.put(member, 0),
                        () -> reachable.put(member, 1),
                        alertmanager,
                        "PghaMemberDown",
                        "member",
                        member,
                        RULE_DEADLINE);
                ruleFired.add(cycle.fired());
                ruleResolved.add(cycle.resolved());
            }
            System.out.printf(
                    "Prometheus rule: fired %s, resolved %s%n", Latencies.of(ruleFired), Latencies.of(ruleResolved));

            Results results = new Results(
                    Latencies.of(eventFired),
                    Latencies.of(eventResolved),
                    Latencies.of(ruleFired),
                    Latencies.of(ruleResolved),
                    intervals.get("scrape_interval"),
                    intervals.get("evaluation_interval"),
                    WARMUP);
            String software = BenchMachine.firstLine(List.of(Prometheus.binary().toString(), "--version")) + ", "
                    + BenchMachine.firstLine(List.of(Alertmanager.binary().toString(), "--version"));
            BenchMachine.publish(
                    "bench-alerts.md",
                    AlertBenchReport.HEADING,
                    AlertBenchReport.section(results, machine.describe(software, started, Instant.now(), COMMAND)));
            assertThat(eventFired).hasSize(ALERTS);
            assertThat(ruleFired).hasSize(RULE_RUNS);
        }
    }

    /** Milliseconds from cause to the alert in Alertmanager ({@code fired}) and from clearing to it gone. */
    private record Cycle(long fired, long resolved) {}

    /** {@code cause}, timed until the alert shows; then {@code clear}, timed until it is gone. */
    private static Cycle cycle(
            Runnable cause,
            Runnable clear,
            Alertmanager alertmanager,
            String alertname,
            String label,
            String value,
            Duration deadline) {
        long fired = timeUntil(cause, alertmanager, alertname, label, value, true, deadline);
        long resolved = timeUntil(clear, alertmanager, alertname, label, value, false, deadline);
        return new Cycle(fired, resolved);
    }

    /**
     * Milliseconds from just before {@code cause} runs until Alertmanager shows ({@code present}) or no
     * longer shows the alert {@code alertname} whose label {@code label} is {@code value}.
     */
    private static long timeUntil(
            Runnable cause,
            Alertmanager alertmanager,
            String alertname,
            String label,
            String value,
            boolean present,
            Duration deadline) {
        long start = System.nanoTime();
        cause.run();
        Wait.until(
                deadline,
                POLL,
                alertname + " of " + value + (present ? " in" : " gone from") + " Alertmanager",
                () -> alertmanager.alerts("alertname=\"" + alertname + "\"").stream()
                                .anyMatch(a -> value.equals(a.labels().get(label)))
                        == present);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void publish(HostileRecords producer, PghaEvent event) {
        producer.send(List.of(HostileRecords.of(event.getClass().getSimpleName() + " " + System.nanoTime(), event)));
    }

    private static BackupEvent.WalArchiveFailed archiveFailed(String cluster) {
        return new BackupEvent.WalArchiveFailed(
                cluster,
                "pg-0",
                1,
                "failure",
                "000000010000000000000002",
                "repository unreachable",
                1,
                1,
                Instant.now());
    }

    private static BackupEvent.WalArchiveProgress archived(String cluster) {
        return new BackupEvent.WalArchiveProgress(
                cluster, 1, "000000010000000000000002", null, 1, 1, null, Instant.now());
    }

    /** The shipped scrape and evaluation intervals (the bench runs Prometheus at exactly those). */
    static Map<String, String> intervals(String prometheusYml) {
        Map<String, String> found = new java.util.TreeMap<>();
        Matcher m = INTERVAL.matcher(prometheusYml);
        while (m.find()) {
            found.putIfAbsent(m.group(1), m.group(2));
        }
        assertThat(found).containsOnlyKeys("scrape_interval", "evaluation_interval");
        return found;
    }

    private static String prometheusConfig(Map<String, String> intervals, int metricsPort, String alertmanager) {
        return "global:\n"
                + "  scrape_interval: " + intervals.get("scrape_interval") + "\n"
                + "  scrape_timeout: 4s\n"
                + "  evaluation_interval: " + intervals.get("evaluation_interval") + "\n"
                + "rule_files:\n  - rules/*.yml\n"
                + "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['"
                + alertmanager.replace("http://", "") + "']\n"
                + "scrape_configs:\n"
                + "  - job_name: health-monitor\n"
                + "    static_configs:\n      - targets: ['" + Ports.LOOPBACK + ":" + metricsPort + "']\n";
    }

    /** A {@code /metrics} the benchmark controls: {@code pgha_member_reachable} of members m-0.. of rule-bench. */
    private int serveMetrics() {
        for (int n = 0; n < RULE_RUNS; n++) {
            reachable.put("m-" + n, 1);
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(Ports.LOOPBACK, 0), 0);
            server.createContext("/metrics", exchange -> {
                StringBuilder body = new StringBuilder("# TYPE pgha_member_reachable gauge\n");
                reachable.forEach(
                        (member, value) -> body.append("pgha_member_reachable{cluster=\"rule-bench\",member=\"")
                                .append(member)
                                .append("\"} ")
                                .append(value)
                                .append('\n'));
                byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            infra.track(() -> server.stop(0));
            return server.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not serve the benchmark's /metrics", e);
        }
    }
}
