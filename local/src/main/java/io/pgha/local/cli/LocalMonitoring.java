package io.pgha.local.cli;

import io.pgha.local.Alertmanager;
import io.pgha.local.LocalProcess;
import io.pgha.local.Ports;
import io.pgha.local.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** The scrape jobs of pgha's own services: their REST ports serve HTTPS only while TLS is on. */
    static final List<String> SERVICE_JOBS = List.of(
            "node-agent",
            "failover-coordinator",
            "health-monitor",
            "config-renderer",
            "backup-service",
            "alert-service");

    /**
     * {@code config} (a scrape configuration) with {@code scheme: https} and {@code tls_config.ca_file:
     * <ca>} added to each job of {@link #SERVICE_JOBS} (Prometheus then verifies each target's certificate
     * against the CA, 127.0.0.1 included); HAProxy, Prometheus and Alertmanager stay http.
     *
     * @throws IllegalArgumentException naming the jobs of {@link #SERVICE_JOBS} that {@code config} lacks
     */
    static String httpsScrapes(String config, Path ca) {
        List<String> missing = new ArrayList<>(SERVICE_JOBS);
        StringBuilder out = new StringBuilder();
        for (String line : config.split("\n", -1)) {
            out.append(line).append('\n');
            Matcher job = JOB.matcher(line);
            if (job.matches() && missing.remove(job.group(2))) {
                String indent = " ".repeat(job.group(1).length() + 2);
                out.append(indent).append("scheme: https\n");
                out.append(indent).append("tls_config:\n");
                out.append(indent).append("  ca_file: '").append(ca).append("'\n");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the scrape configuration has no job " + missing
                    + ": ./pgha up cannot switch their scrapes to https");
        }
        return out.substring(0, out.length() - 1);
    }

    private static final Pattern JOB = Pattern.compile("(\\s*)- job_name:\\s*['\"]?([\\w-]+)['\"]?\\s*");

    /**
     * Starts Debian's {@code prometheus-alertmanager} with the configuration file {@code config} (checked
     * by amtool, copied into the home folder) on 127.0.0.1:{@code port}, as a single instance (no HA
     * gossip), and waits until it is ready.
     */
    static LocalProcess startAlertmanager(Workspace ws, Path config, int port) {
        try {
            return Alertmanager.start(ws, Files.readString(config), port).process();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the Alertmanager configuration " + config, e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    static String url(int port) {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }
}
