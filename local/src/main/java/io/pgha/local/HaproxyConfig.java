package io.pgha.local;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain TCP HAProxy configuration for local runs: listeners, each forwarding to a list of servers,
 * and an optional stats page. (The routing that follows pgha's topology is config-renderer's job.)
 */
public final class HaproxyConfig {
    /** A backend server. */
    public record Server(String name, String host, int port) {}

    /** A TCP listener on {@code host:port} balancing over {@code servers}. */
    public record Listener(String name, String host, int port, List<Server> servers) {}

    private final List<Listener> listeners = new ArrayList<>();
    private Integer statsPort;

    /** Adds a TCP listener. */
    public HaproxyConfig listen(String name, String host, int port, List<Server> servers) {
        listeners.add(new Listener(name, host, port, List.copyOf(servers)));
        return this;
    }

    /** Serves HAProxy's stats page on {@code 127.0.0.1:port}. */
    public HaproxyConfig stats(int port) {
        this.statsPort = port;
        return this;
    }

    /** The configuration text. */
    public String render() {
        StringBuilder text = new StringBuilder();
        text.append("global\n")
                .append("    maxconn 500\n")
                .append("\n")
                .append("defaults\n")
                .append("    mode tcp\n")
                .append("    timeout connect 2s\n")
                .append("    timeout client 30m\n")
                .append("    timeout server 30m\n")
                .append("    default-server inter 1s fall 2 rise 1\n");
        for (Listener listener : listeners) {
            text.append("\nlisten ")
                    .append(listener.name())
                    .append("\n    bind ")
                    .append(listener.host())
                    .append(':')
                    .append(listener.port())
                    .append("\n    balance roundrobin\n");
            for (Server server : listener.servers()) {
                text.append("    server ")
                        .append(server.name())
                        .append(' ')
                        .append(server.host())
                        .append(':')
                        .append(server.port())
                        .append(" check\n");
            }
        }
        if (statsPort != null) {
            text.append("\nlisten stats\n    mode http\n    bind ")
                    .append(Ports.LOOPBACK)
                    .append(':')
                    .append(statsPort)
                    .append("\n    stats enable\n    stats uri /\n    stats refresh 5s\n");
        }
        return text.toString();
    }
}
