package io.pgha.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The monitoring files pgha ships in {@code deploy/monitoring/}: Prometheus' scrape configuration, rules
 * and rule tests, Alertmanager's configuration and the Grafana dashboard, and the queries of that
 * dashboard's panels.
 */
public final class MonitoringFiles {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

    private final Path dir;

    private MonitoringFiles(Path dir) {
        this.dir = dir;
    }

    /** The files of this checkout ({@code <root>/deploy/monitoring}). */
    public static MonitoringFiles shipped() {
        return in(QuarkusService.projectRoot().resolve("deploy").resolve("monitoring"));
    }

    /** The files under {@code dir}. */
    public static MonitoringFiles in(Path dir) {
        return new MonitoringFiles(dir);
    }

    public Path prometheusConfig() {
        return dir.resolve("prometheus/prometheus.yml");
    }

    /** The rule files ({@code prometheus/rules/*.yml}), sorted. */
    public List<Path> ruleFiles() {
        return yamlFiles(dir.resolve("prometheus/rules"));
    }

    /** The {@code promtool test rules} files ({@code prometheus/tests/*.yml}), sorted. */
    public List<Path> ruleTests() {
        return yamlFiles(dir.resolve("prometheus/tests"));
    }

    public Path alertmanagerConfig() {
        return dir.resolve("alertmanager/alertmanager.yml");
    }

    public Path dashboard() {
        return dir.resolve("grafana/pgha-cluster.json");
    }

    /** One query of a dashboard panel. */
    public record PanelQuery(String panel, String refId, String expr) {}

    /**
     * The PromQL of every target of every panel of the dashboard (rows' nested panels too), with the
     * dashboard's variables ({@code $cluster}, {@code ${cluster}}, {@code $__rate_interval}) replaced by
     * {@code variables}' values.
     *
     * @throws IllegalArgumentException when a panel has no query, a query is empty or names a variable
     *     that {@code variables} lacks
     */
    public List<PanelQuery> dashboardQueries(Map<String, String> variables) {
        JsonNode dashboard;
        try {
            dashboard = Json.MAPPER.readTree(Files.readString(dashboard()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard " + dashboard(), e);
        }
        List<PanelQuery> queries = new ArrayList<>();
        collect(dashboard.path("panels"), variables, queries);
        return queries;
    }

    private static void collect(JsonNode panels, Map<String, String> variables, List<PanelQuery> out) {
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            if ("row".equals(panel.path("type").asText())) {
                collect(panel.path("panels"), variables, out);
                continue;
            }
            if (!panel.path("targets").isArray() || panel.path("targets").isEmpty()) {
                throw new IllegalArgumentException("panel '" + title + "' has no query");
            }
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText("");
                if (expr.isBlank()) {
                    throw new IllegalArgumentException("panel '" + title + "' has a target without expr");
                }
                out.add(new PanelQuery(title, target.path("refId").asText(), substitute(title, expr, variables)));
            }
        }
    }

    /** {@code expr} with every {@code $name} and {@code ${name}} replaced by its value. */
    static String substitute(String panel, String expr, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = variables.get(name);
            if (value == null) {
                throw new IllegalArgumentException(
                        "panel '" + panel + "' uses the variable $" + name + ", which has no value given");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<Path> yamlFiles(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }
}
