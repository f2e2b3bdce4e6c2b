package io.pgha.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus (Debian's {@code prometheus}) on 127.0.0.1 with its own storage, running the
 * configuration and rule files its caller gives, and a small client of its HTTP API for tests.
 *
 * <p>The configuration is written to {@code <workspace>/prometheus/prometheus.yml} and the rule files
 * are copied into {@code <workspace>/prometheus/rules/}, so a configuration that names
 * {@code rules/*.yml} (as deploy/monitoring's does) finds them. Both are checked with
 * {@code promtool check config} before Prometheus starts; scrape and evaluation intervals are the
 * configuration's (tests may use 1 s).
 */
public final class Prometheus implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Workspace workspace;
    private final Path dir;
    private final int port;
    private LocalProcess process;

    private Prometheus(Workspace workspace, Path dir, int port) {
        this.workspace = workspace;
        this.dir = dir;
        this.port = port;
    }

    /** Starts Prometheus on a free port with {@code config} and {@code ruleFiles}; returns once it is ready. */
    public static Prometheus start(Workspace workspace, String config, List<Path> ruleFiles) {
        return start(workspace, config, ruleFiles, Ports.free());
    }

    /** Like {@link #start(Workspace, String, List)}, on {@code port} ({@code ./pgha up}'s fixed one). */
    public static Prometheus start(Workspace workspace, String config, List<Path> ruleFiles, int port) {
        Prometheus prometheus = new Prometheus(workspace, workspace.dir("prometheus"), port);
        prometheus.writeChecked(config, ruleFiles);
        prometheus.startProcess();
        return prometheus;
    }

    /** The binary, or an error naming Debian's {@code prometheus} package. */
    public static Path binary() {
        return Commands.require("prometheus", "prometheus");
    }

    /** {@code promtool}, which comes with Prometheus. */
    public static Path promtool() {
        return Commands.require("promtool", "prometheus");
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    /** The configuration file Prometheus runs with. */
    public Path config() {
        return dir.resolve("prometheus.yml");
    }

    public LocalProcess process() {
        return process;
    }

    /** The answer to an instant query: {@code status} ({@code success} or {@code error}), the series, the error. */
    public record QueryResult(String status, List<JsonNode> series, String error) {
        public boolean ok() {
            return "success".equals(status);
        }

        public int seriesCount() {
            return series.size();
        }
    }

    /** A scrape target: its job, URL, health ({@code up}, {@code down}, {@code unknown}) and last error. */
    public record Target(String job, String scrapeUrl, String health, String lastError) {}

    /** A loaded rule: its group, name, type ({@code recording} or {@code alerting}), health and last error. */
    public record Rule(String group, String name, String type, String health, String lastError) {}

    /** An alert of an alerting rule: its labels and state ({@code pending} or {@code firing}). */
    public record Alert(Map<String, String> labels, String state) {}

    /** {@code GET /api/v1/query?query=<promql>} at the current time. */
    public QueryResult query(String promql) {
        JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        List<JsonNode> series = new ArrayList<>();
        JsonNode result = body.path("data").path("result");
        if (result.isArray()) {
            result.forEach(series::add);
        } else if (!result.isMissingNode() && !result.isNull()) {
            series.add(result); // a scalar or string result: one value
        }
        return new QueryResult(
                body.path("status").asText(), series, body.path("error").asText(null));
    }

    /** The active scrape targets ({@code GET /api/v1/targets}). */
    public List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (JsonNode t : get("/api/v1/targets?state=active").path("data").path("activeTargets")) {
            targets.add(new Target(
                    t.path("labels").path("job").asText(),
                    t.path("scrapeUrl").asText(),
                    t.path("health").asText(),
                    t.path("lastError").asText("")));
        }
        return targets;
    }

    /** Every loaded rule ({@code GET /api/v1/rules}). */
    public List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : get("/api/v1/rules").path("data").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                rules.add(new Rule(
                        group.path("name").asText(),
                        r.path("name").asText(),
                        r.path("type").asText(),
                        r.path("health").asText(),
                        r.path("lastError").asText("")));
            }
        }
        return rules;
    }

    /** The pending and firing alerts ({@code GET /api/v1/alerts}). */
    public List<Alert> alerts() {
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode a : get("/api/v1/alerts").path("data").path("alerts")) {
            Map<String, String> labels = new LinkedHashMap<>();
            a.path("labels")
                    .fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            alerts.add(new Alert(labels, a.path("state").asText()));
        }
        return alerts;
    }

    /** Every metric name Prometheus has stored ({@code GET /api/v1/label/__name__/values}). */
    public List<String> metricNames() {
        List<String> names = new ArrayList<>();
        get("/api/v1/label/__name__/values").path("data").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Stops Prometheus (SIGTERM, SIGKILL after 15 s). */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Signal.TERM, Duration.ofSeconds(15));
        }
    }

    @Override
    public void close() {
        stop();
    }

    private JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            // errors of a query come as 400/422 with a JSON body that says why
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus at " + url() + " did not answer GET " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Prometheus", e);
        }
    }

    private void writeChecked(String configText, List<Path> ruleFiles) {
        try {
            Path rules = dir.resolve("rules");
            Files.createDirectories(rules);
            for (Path rule : ruleFiles) {
                Files.copy(rule, rules.resolve(rule.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(config(), configText);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write Prometheus' files in " + dir, e);
        }
        Commands.Result check = Commands.run(
                List.of(promtool().toString(), "check", "config", config().toString()), Duration.ofSeconds(30));
        if (!check.ok()) {
            throw new IllegalArgumentException("promtool refused " + config() + ":\n" + check.output());
        }
    }

    private void startProcess() {
        List<String> command = List.of(
                binary().toString(),
                "--config.file=" + config(),
                "--storage.tsdb.path=" + workspace.dir("prometheus", "data"),
                "--storage.tsdb.retention.time=7d",
                "--web.listen-address=" + Ports.LOOPBACK + ":" + port);
        process = LocalProcess.start(
                "prometheus", command, dir, workspace.log("prometheus"), Map.of(), workspace.persistent());
        process.awaitReady(READY_TIMEOUT, "Prometheus ready at " + url() + "/-/ready", () -> readyAt(url()), 30);
    }

    /**
     * True when {@code baseUrl}{@code /-/ready} answers 200: how Prometheus and Alertmanager both say they
     * are ready.
     */
    public static boolean readyAt(String baseUrl) throws IOException, InterruptedException {
        return HTTP.send(
                                HttpRequest.newBuilder(URI.create(baseUrl + "/-/ready"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                == 200;
    }
}
