package io.pgha.coordinator.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.events.Lsn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * Fetches {@code GET /patroni} from members' agents, each within the decision-time timeout; an {@code
 * https} api_url is verified with the given SSL context (the CA of {@code pgha.agent-api.ca-file}),
 * host name included.
 */
public final class AgentClient implements Agents {
    private final HttpClient http;
    private final Duration timeout;

    public AgentClient(Duration timeout, SSLContext ssl) {
        this.timeout = timeout;
        this.http =
                HttpClient.newBuilder().connectTimeout(timeout).sslContext(ssl).build();
    }

    @Override
    public CompletableFuture<AgentReport> fetch(String apiUrl) {
        if (apiUrl == null || apiUrl.isBlank()) {
            return CompletableFuture.completedFuture(AgentReport.unanswered("its member key has no api_url"));
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(apiUrl))
                    .timeout(timeout)
                    .GET()
                    .build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(AgentReport.unanswered("api_url " + apiUrl + " is invalid"));
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> parse(response.statusCode(), response.body()))
                .exceptionally(e -> AgentReport.unanswered(describe(e)))
                .completeOnTimeout(
                        AgentReport.unanswered("no answer within " + timeout.toMillis() + " ms"),
                        timeout.toMillis() + 200,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Reads a {@code /patroni} body (any status: the health endpoints answer 503 with the same body). */
    static AgentReport parse(int status, String body) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return AgentReport.unanswered("HTTP " + status + " with a body that is not JSON");
        }
        if (node == null || !node.isObject()) {
            return AgentReport.unanswered("HTTP " + status + " with a body that is not a JSON object");
        }
        JsonNode xlog = node.path("xlog");
        Map<String, Object> tags = new LinkedHashMap<>();
        node.path("tags")
                .fields()
                .forEachRemaining(e -> tags.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class)));
        return new AgentReport(
                true,
                null,
                node.path("state").asText("unknown"),
                node.path("role").asText("unknown"),
                "streaming".equals(node.path("replication_state").asText()),
                lsn(xlog.path("received_location")),
                lsn(xlog.path("replayed_location")),
                lsn(xlog.path("location")),
                node.path("timeline").asLong(0),
                tags,
                node.path("failsafe_mode_is_active").asBoolean(false));
    }

    private static Lsn lsn(JsonNode value) {
        return value.isIntegralNumber() ? new Lsn(value.asLong()) : null;
    }

    private static String describe(Throwable e) {
        Throwable cause =
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof HttpTimeoutException) {
            return "no answer within the timeout";
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
