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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}) on 127.0.0.1, without gossip, with its
 * own storage; it can be stopped and started again on the same port and storage. Small API v2 client
 * methods for tests: {@link #alerts(String)}, {@link #createSilence(Map, Duration)}.
 */
public final class Alertmanager implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** A configuration that accepts alerts and notifies nobody. */
    public static final String QUIET_CONFIG = "route:\n  receiver: none\nreceivers:\n  - name: none\n";

    private final Workspace workspace;
    private final Path dir;
    private final int port;
    private LocalProcess process;

    private Alertmanager(Workspace workspace, Path dir, int port) {
        this.workspace = workspace;
        this.dir = dir;
        this.port = port;
    }

    /** One alert as {@code GET /api/v2/alerts} shows it; {@code state} is active, suppressed or unprocessed. */
    public record Alert(
            String fingerprint,
            Map<String, String> labels,
            Map<String, String> annotations,
            String state,
            List<String> silencedBy,
            Instant startsAt,
            Instant endsAt,
            String generatorUrl) {}

    /** Checks {@code configText} with {@code amtool check-config}, starts Alertmanager and waits until ready. */
    public static Alertmanager start(Workspace workspace, String configText) {
        return start(workspace, configText, Ports.free());
    }

    /** Like {@link #start(Workspace, String)} on a given port (for {@code ./pgha up}, whose ports are fixed). */
    public static Alertmanager start(Workspace workspace, String configText, int port) {
        Alertmanager alertmanager = new Alertmanager(workspace, workspace.dir("alertmanager"), port);
        alertmanager.writeChecked(configText);
        alertmanager.start();
        return alertmanager;
    }

    /** The binary, or an error naming Debian's {@code prometheus-alertmanager} package. */
    public static Path binary() {
        return Commands.require("prometheus-alertmanager", "prometheus-alertmanager");
    }

    /** {@code amtool check-config file}: exit 0 when the file is a valid configuration. */
    public static Commands.Result check(Path file) {
        Path amtool = Commands.require("amtool", "prometheus-alertmanager");
        return Commands.run(List.of(amtool.toString(), "check-config", file.toString()), Duration.ofSeconds(20));
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    public LocalProcess process() {
        return process;
    }

    /** Starts (again, on the same port and storage) and waits until {@code /-/ready} answers 200. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Alertmanager on port " + port + " is already running");
        }
        List<String> command = List.of(
                binary().toString(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + workspace.dir("alertmanager", "data"),
                "--web.listen-address=" + Ports.LOOPBACK + ":" + port,
                "--cluster.listen-address=");
        process = LocalProcess.start(
                "alertmanager", command, dir, workspace.log("alertmanager"), Map.of(), workspace.persistent());
        process.awaitReady(READY_TIMEOUT, "Alertmanager ready at " + url(), this::ready, 30);
    }

    /** Orderly stop (SIGTERM); port and storage stay for {@link #start()}. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Signal.TERM, Duration.ofSeconds(10));
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** True when {@code GET /-/ready} answers 200. */
    public boolean ready() throws IOException, InterruptedException {
        return Prometheus.readyAt(url());
    }

    /**
     * {@code GET /api/v2/alerts}, with a matcher such as {@code alertname="X"} (null: all); resolved
     * alerts are not shown.
     */
    public List<Alert> alerts(String filter) {
        String query = filter == null ? "" : "?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8);
        try {
            HttpResponse<String> response = get("/api/v2/alerts" + query);
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "Alertmanager answered " + response.statusCode() + ": " + response.body());
            }
            List<Alert> alerts = new ArrayList<>();
            for (JsonNode node : Json.MAPPER.readTree(response.body())) {
                alerts.add(alert(node));
            }
            return alerts;
        } catch (IOException e) {
            throw new UncheckedIOException("GET /api/v2/alerts on " + url() + " failed", e);
        }
    }

    /** {@code POST /api/v2/silences} with equality matchers, from now for {@code duration}; returns its id. */
    public String createSilence(Map<String, String> matchers, Duration duration) {
        List<Map<String, Object>> list = new ArrayList<>();
        matchers.forEach(
                (name, value) -> list.add(Map.of("name", name, "value", value, "isRegex", false, "isEqual", true)));
        Instant now = Instant.now();
        Map<String, Object> silence = new LinkedHashMap<>();
        silence.put("matchers", list);
        silence.put("startsAt", now.toString());
        silence.put("endsAt", now.plus(duration).toString());
        silence.put("createdBy", "pgha-test");
        silence.put("comment", "silence made by a test");
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + "/api/v2/silences"))
                            .timeout(Duration.ofSeconds(5))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Json.write(silence)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "Alertmanager refused the silence: " + response.statusCode() + " " + response.body());
            }
            return Json.MAPPER.readTree(response.body()).path("silenceID").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("POST /api/v2/silences on " + url() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating a silence", e);
        }
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static Alert alert(JsonNode node) {
        List<String> silencedBy = new ArrayList<>();
        node.path("status").path("silencedBy").forEach(id -> silencedBy.add(id.asText()));
        return new Alert(
                node.path("fingerprint").asText(),
                strings(node.path("labels")),
                strings(node.path("annotations")),
                node.path("status").path("state").asText(),
                silencedBy,
                Instant.parse(node.path("startsAt").asText()),
                Instant.parse(node.path("endsAt").asText()),
                node.path("generatorURL").asText(null));
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private void writeChecked(String configText) {
        Path config = dir.resolve("alertmanager.yml");
        try {
            Files.writeString(config, configText);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + config, e);
        }
        Commands.Result result = check(config);
        if (!result.ok()) {
            throw new IllegalArgumentException("amtool check-config refused the configuration: " + result.output());
        }
    }
}
