package io.pgha.renderer.render;

import io.pgha.core.EtcdLayout;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What makes a topology impossible or unsafe to route to, before HAProxy is asked: control characters
 * in any string (a newline in a value that reaches haproxy.cfg, even in a comment, would add a
 * directive), names outside etcd's name rules ({@link EtcdLayout#requireName}, which HAProxy accepts
 * for proxies and servers), a leader that is not a member, ports out of range (HAProxy itself would
 * take port 0 as "the client's port"), missing agent URLs. A pure function; {@code haproxy -c} checks
 * the rendered file afterwards.
 */
public final class TopologyCheck {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:%-]+");

    private TopologyCheck() {}

    /** Every problem of {@code topology}, each naming the cluster, the member and the field; empty when it can be rendered. */
    public static List<String> problems(TopologyChanged topology, RenderSettings settings) {
        List<String> problems = new ArrayList<>();
        String cluster = topology.cluster();
        controlCharacters(topology, problems);
        name("cluster", cluster, "cluster " + printable(cluster) + ": ", problems);
        if (!settings.clusters().containsKey(cluster)) {
            problems.add("cluster " + cluster + " has no ports: set pgha.renderer.clusters.\"" + cluster
                    + "\".read-write-port and read-only-port");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Member member : topology.members()) {
            String where = "cluster " + printable(cluster) + ", member " + printable(member.name()) + ": ";
            name("member", member.name(), where, problems);
            if (!names.add(member.name())) {
                problems.add(where + "listed twice");
            }
            if (!HOST.matcher(member.host()).matches()) {
                problems.add(where + "host '" + printable(member.host()) + "' is not a host name or IP address");
            }
            if (member.port() < 1 || member.port() > 65535) {
                problems.add(where + "port " + member.port() + " is not a TCP port (1-65535)");
            }
            agentEndpoint(member)
                    .ifPresentOrElse(
                            endpoint -> {},
                            () -> problems.add(where + "api_url '" + printable(member.apiUrl())
                                    + "' is not an http(s) URL with a host: HAProxy health-checks the agent there"));
        }
        String leader = topology.leader();
        if (leader != null) {
            name("leader", leader, "cluster " + printable(cluster) + ": ", problems);
            if (!names.contains(leader)) {
                problems.add("cluster " + printable(cluster) + ": leader " + printable(leader)
                        + " is not one of the members (" + String.join(", ", new TreeSet<>(names)) + ")");
            }
        }
        return problems;
    }

    /**
     * Control characters in any string of the topology, those that reach haproxy.cfg (cluster, names,
     * leader, hosts, api_url) and those that do not today (state, sync set, tags), so a later template
     * change cannot let one through.
     */
    private static void controlCharacters(TopologyChanged topology, List<String> problems) {
        String cluster = "cluster " + printable(topology.cluster()) + ": ";
        noControl(cluster, "cluster", topology.cluster(), problems);
        noControl(cluster, "leader", topology.leader(), problems);
        topology.syncStandbys().forEach(name -> noControl(cluster, "sync_standby", name, problems));
        for (Member member : topology.members()) {
            String where = cluster + "member " + printable(member.name()) + " ";
            noControl(where, "name", member.name(), problems);
            noControl(where, "state", member.state(), problems);
            noControl(where, "host", member.host(), problems);
            noControl(where, "api_url", member.apiUrl(), problems);
            member.tags().forEach((key, value) -> {
                noControl(where, "tag name", key, problems);
                if (value instanceof String text) {
                    noControl(where, "tag " + printable(key), text, problems);
                }
            });
        }
    }

    private static void noControl(String where, String field, String value, List<String> problems) {
        if (value != null && value.chars().anyMatch(TopologyCheck::isControl)) {
            problems.add(where + field + " '" + printable(value)
                    + "' contains a control character: refused, it could add lines to haproxy.cfg");
        }
    }

    private static void name(String what, String value, String where, List<String> problems) {
        try {
            EtcdLayout.requireName(what, value);
        } catch (IllegalArgumentException e) {
            problems.add(where + printable(e.getMessage()));
        }
    }

    private static boolean isControl(int c) {
        return Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029';
    }

    /** {@code value} with every control character shown as {@code \\uXXXX}, safe to log on one line. */
    static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length());
        value.chars().forEach(c -> {
            if (isControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }

    /** Where the member's agent answers health checks: host, port and whether it speaks TLS. */
    public record AgentEndpoint(String host, int port, boolean tls) {}

    /** The agent endpoint from the member's {@code api_url} (its path is ignored), if it is usable. */
    public static java.util.Optional<AgentEndpoint> agentEndpoint(Member member) {
        if (member.apiUrl() == null || member.apiUrl().isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            URI uri = URI.create(member.apiUrl().trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return java.util.Optional.empty();
            }
            String host = uri.getHost();
            if (host == null || !HOST.matcher(stripBrackets(host)).matches()) {
                return java.util.Optional.empty();
            }
            boolean tls = scheme.equals("https");
            int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
            if (port > 65535) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new AgentEndpoint(stripBrackets(host), port, tls));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
