package io.pgha.renderer.config;

import io.pgha.renderer.render.ClusterPorts;
import io.pgha.renderer.render.RenderSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Turns {@link RendererConfig} into {@link RenderSettings}, refusing combinations that cannot work. */
public final class RendererSettings {
    private static final Pattern LAG = Pattern.compile("[0-9]+(B|kB|MB|GB|TB)?");
    private static final Set<String> BALANCE = Set.of("roundrobin", "static-rr", "leastconn", "first", "source");

    private RendererSettings() {}

    /**
     * The render settings.
     *
     * @throws IllegalArgumentException naming every property that is wrong and the rule it breaks
     */
    public static RenderSettings from(RendererConfig config) {
        List<String> problems = new ArrayList<>();
        Map<Integer, String> ports = new HashMap<>();
        port(problems, ports, config.statsPort(), "pgha.renderer.stats-port");
        Map<String, ClusterPorts> clusters = new TreeMap<>();
        config.clusters().forEach((name, cluster) -> {
            String prefix = "pgha.renderer.clusters.\"" + name + "\".";
            port(problems, ports, cluster.readWritePort(), prefix + "read-write-port");
            port(problems, ports, cluster.readOnlyPort(), prefix + "read-only-port");
            clusters.put(name, new ClusterPorts(cluster.readWritePort(), cluster.readOnlyPort()));
        });
        positive(problems, config.checks().inter(), "pgha.renderer.checks.inter");
        positive(problems, config.checks().timeout(), "pgha.renderer.checks.timeout");
        positive(problems, config.timeouts().connect(), "pgha.renderer.timeouts.connect");
        positive(problems, config.timeouts().client(), "pgha.renderer.timeouts.client");
        positive(problems, config.timeouts().server(), "pgha.renderer.timeouts.server");
        positive(problems, config.haproxy().validateTimeout(), "pgha.renderer.haproxy.validate-timeout");
        positive(problems, config.haproxy().reloadTimeout(), "pgha.renderer.haproxy.reload-timeout");
        positive(problems, config.retryInterval(), "pgha.renderer.retry-interval");
        if (config.reportTtl().compareTo(Duration.ofSeconds(2)) < 0) {
            problems.add("pgha.renderer.report-ttl=" + config.reportTtl()
                    + " must be at least 2 s (etcd leases have whole seconds; it is renewed every third)");
        }
        if (config.checks().fall() < 1) {
            problems.add("pgha.renderer.checks.fall=" + config.checks().fall() + " must be at least 1");
        }
        if (config.checks().rise() < 1) {
            problems.add("pgha.renderer.checks.rise=" + config.checks().rise() + " must be at least 1");
        }
        if (!LAG.matcher(config.readOnly().maxLag()).matches()) {
            problems.add("pgha.renderer.read-only.max-lag=" + config.readOnly().maxLag()
                    + " must be bytes, optionally with a unit: 1048576, 16MB, 1GB");
        }
        if (!BALANCE.contains(config.readOnly().balance())) {
            problems.add("pgha.renderer.read-only.balance=" + config.readOnly().balance() + " must be one of "
                    + new TreeSet<>(BALANCE));
        }
        if (config.maxconn() < 1) {
            problems.add("pgha.renderer.maxconn=" + config.maxconn() + " must be at least 1");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "config-renderer cannot start with these settings:\n  " + String.join("\n  ", problems));
        }
        return new RenderSettings(
                config.bindAddress(),
                config.statsPort(),
                config.haproxy().runtimeSocket().toAbsolutePath().toString(),
                stateFile(config).toAbsolutePath().toString(),
                config.maxconn(),
                config.timeouts().connect(),
                config.timeouts().client(),
                config.timeouts().server(),
                config.checks().timeout(),
                config.checks().inter(),
                config.checks().fall(),
                config.checks().rise(),
                config.readOnly().maxLag(),
                config.readOnly().balance(),
                config.readOnly().fallbackToPrimary(),
                clusters);
    }

    /** {@code pgha.renderer.haproxy.state-file}, or {@code server-state} beside the configuration file. */
    public static java.nio.file.Path stateFile(RendererConfig config) {
        return config.haproxy()
                .stateFile()
                .orElseGet(() -> config.haproxy().configPath().toAbsolutePath().resolveSibling("server-state"));
    }

    private static void port(List<String> problems, Map<Integer, String> used, int port, String property) {
        if (port < 1 || port > 65535) {
            problems.add(property + "=" + port + " is not a TCP port (1-65535)");
            return;
        }
        String other = used.putIfAbsent(port, property);
        if (other != null) {
            problems.add(
                    property + "=" + port + " is already taken by " + other + ": every listener needs its own port");
        }
    }

    private static void positive(List<String> problems, Duration duration, String property) {
        if (duration.isNegative() || duration.isZero()) {
            problems.add(property + "=" + duration + " must be longer than zero");
        }
    }
}
