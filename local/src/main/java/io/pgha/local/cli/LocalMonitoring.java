package io.pgha.local.cli;

import io.pgha.local.Alertmanager;
import io.pgha.local.LocalProcess;
import io.pgha.local.Ports;
import io.pgha.local.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
