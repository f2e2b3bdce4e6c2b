package io.pgha.local.cli;

import io.pgha.local.Commands;
import io.pgha.local.LocalProcess;
import io.pgha.local.Ports;
import io.pgha.local.Prometheus;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code ./pgha up} runs for monitoring beside the cluster: Prometheus with deploy/monitoring's
 * scrape configuration and rules, Alertmanager with deploy/monitoring's configuration (alert-service is a
 * service like the others).
 */
final class LocalMonitoring {
    private static final Pattern LOOPBACK_PORT = Pattern.compile(Pattern.quote(Ports.LOOPBACK) + ":(\\d+)");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private LocalMonitoring() {}

    /**
     * The shipped scrape configuration, whose targets are those of {@code ./pgha up} on its default
     * ports, with every {@code 127.0.0.1:<default port>} replaced by the port {@code ports} has for the
     * same purpose: the job definitions exist once, in deploy/monitoring.
     *
     * @throws IllegalArgumentException naming the ports of {@code shipped} that are none of {@code defaults}'
     */
    static String prometheusConfig(String shipped, LocalPorts defaults, LocalPorts ports) {
        Map<Integer, Integer> byDefault = new HashMap<>();
        Map<String, Integer> actual = ports.all();
        defaults.all().forEach((purpose, port) -> byDefault.put(port, actual.get(purpose)));
        TreeSet<Integer> unknown = new TreeSet<>();
        Matcher m = LOOPBACK_PORT.matcher(shipped);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int port = Integer.parseInt(m.group(1));
            Integer replacement = byDefault.get(port);
            if (replacement == null) {
                unknown.add(port);
                continue;
            }
            m.appendReplacement(out, Ports.LOOPBACK + ":" + replacement);
        }
        m.appendTail(out);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the scrape configuration names " + Ports.LOOPBACK + " ports that"
                    + " ./pgha up does not run anything on: " + unknown + " (known: " + byDefault.keySet() + ")");
        }
        return out.toString();
    }

    /**
     * Starts Debian's {@code prometheus-alertmanager} with {@code config} on 127.0.0.1:{@code port}, as a
     * single instance (no HA gossip), and waits until {@code /-/ready} answers 200.
     */
    static LocalProcess startAlertmanager(Workspace ws, java.nio.file.Path config, int port) {
        List<String> command = List.of(
                Commands.require("prometheus-alertmanager", "prometheus-alertmanager")
                        .toString(),
                "--config.file=" + config,
                "--storage.path=" + ws.dir("alertmanager", "data"),
                "--web.listen-address=" + Ports.LOOPBACK + ":" + port,
                "--cluster.listen-address=");
        LocalProcess process = LocalProcess.start(
                "alertmanager", command, ws.dir("alertmanager"), ws.log("alertmanager"), Map.of(), ws.persistent());
        String url = url(port);
        try {
            Wait.until(
                    READY_TIMEOUT,
                    "Alertmanager ready at " + url + "/-/ready",
                    () -> Prometheus.readyAt(url),
                    process::isAlive);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\n--- alertmanager log ---\n" + process.logTail(30), e);
        }
        return process;
    }

    /** {@code http://127.0.0.1:<port>}. */
    static String url(int port) {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }
}
