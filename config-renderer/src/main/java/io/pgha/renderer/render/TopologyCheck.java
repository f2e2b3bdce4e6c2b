package io.pgha.renderer.render;

import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What makes a topology impossible to route to, before HAProxy is asked: names HAProxy cannot use,
 * ports out of range (HAProxy itself would take port 0 as "the client's port"), missing agent URLs.
 * A pure function; {@code haproxy -c} checks the rendered file afterwards.
 */
public final class TopologyCheck {
    /** Names HAProxy accepts for proxies and servers (a subset: no ':' so that "cluster_rw" stays unambiguous). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:%-]+");

    private TopologyCheck() {}

    /** Every problem of {@code topology}, each naming the cluster, the member and the field; empty when it can be rendered. */
    public static List<String> problems(TopologyChanged topology, RenderSettings settings) {
        List<String> problems = new ArrayList<>();
        String cluster = topology.cluster();
        if (!NAME.matcher(cluster).matches()) {
            problems.add(
                    "cluster name '" + cluster + "' cannot name an HAProxy proxy: use letters, digits, '_', '.', '-'");
        }
        if (!settings.clusters().containsKey(cluster)) {
            problems.add("cluster " + cluster + " has no ports: set pgha.renderer.clusters.\"" + cluster
                    + "\".read-write-port and read-only-port");
        }
        Set<String> names = new HashSet<>();
        for (Member member : topology.members()) {
            String where = "cluster " + cluster + ", member " + member.name() + ": ";
            if (!NAME.matcher(member.name()).matches()) {
                problems.add(where + "the name cannot name an HAProxy server: use letters, digits, '_', '.', '-'");
            }
            if (!names.add(member.name())) {
                problems.add(where + "listed twice");
            }
            if (!HOST.matcher(member.host()).matches()) {
                problems.add(where + "host '" + member.host() + "' is not a host name or IP address");
            }
            if (member.port() < 1 || member.port() > 65535) {
                problems.add(where + "port " + member.port() + " is not a TCP port (1-65535)");
            }
            agentEndpoint(member)
                    .ifPresentOrElse(
                            endpoint -> {},
                            () -> problems.add(where + "api_url '" + member.apiUrl()
                                    + "' is not an http(s) URL with a host: HAProxy health-checks the agent there"));
        }
        return problems;
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
