package io.pgha.renderer;

import com.sun.net.httpserver.HttpServer;
import io.pgha.local.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * Stands in for a member's node-agent: answers HAProxy's health checks {@code /primary} and
 * {@code /replica} with 200 or 503 as the test decides (any method, OPTIONS included).
 */
final class StandInAgent implements AutoCloseable {
    /** What the agent says its member is. */
    enum Role {
        PRIMARY,
        REPLICA,
        /** Neither: 503 on both (stopped, fenced). */
        NONE
    }

    private final HttpServer server;
    private volatile Role role;

    StandInAgent(Role role) {
        this.role = role;
        try {
            server = HttpServer.create(new InetSocketAddress(Ports.LOOPBACK, Ports.free()), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a stand-in agent", e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Role now = this.role;
            int status =
                    path.equals("/primary") && now == Role.PRIMARY || path.equals("/replica") && now == Role.REPLICA
                            ? 200
                            : 503;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    void role(Role role) {
        this.role = role;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The member's {@code api_url}, Patroni style. */
    String apiUrl() {
        return "http://" + Ports.LOOPBACK + ":" + port() + "/patroni";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
