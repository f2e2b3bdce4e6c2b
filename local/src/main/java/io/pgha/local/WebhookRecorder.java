package io.pgha.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.pgha.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A small HTTP server on 127.0.0.1 that answers every POST with 200 and keeps its JSON body: stands in
 * for a webhook receiver (of alert-service or of Alertmanager) in tests.
 */
public final class WebhookRecorder implements AutoCloseable {
    private final HttpServer server;
    private final List<JsonNode> bodies = new ArrayList<>();

    private WebhookRecorder(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(Ports.LOOPBACK, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on " + Ports.LOOPBACK + ":" + port, e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                try {
                    JsonNode json = Json.MAPPER.readTree(body);
                    synchronized (bodies) {
                        bodies.add(json);
                    }
                    exchange.sendResponseHeaders(200, -1);
                } catch (IOException e) {
                    exchange.sendResponseHeaders(400, -1);
                }
            }
        });
        server.start();
    }

    /** Listens on a free port. */
    public static WebhookRecorder start() {
        return new WebhookRecorder(Ports.free());
    }

    /** Listens on {@code port} (one handed out earlier, to start the receiver after its sender). */
    public static WebhookRecorder start(int port) {
        return new WebhookRecorder(port);
    }

    /** {@code http://127.0.0.1:<port>/<path>}. */
    public String url(String path) {
        return "http://" + Ports.LOOPBACK + ":" + server.getAddress().getPort() + "/" + path;
    }

    /** Every body received so far, in order. */
    public List<JsonNode> bodies() {
        synchronized (bodies) {
            return new ArrayList<>(bodies);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
