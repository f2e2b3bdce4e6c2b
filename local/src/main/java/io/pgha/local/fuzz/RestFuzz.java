package io.pgha.local.fuzz;

import io.pgha.local.fuzz.RawHttp.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends hostile requests to one service and collects every answer that breaks the rule "a clear
 * refusal": a 5xx, a hang, or a 4xx without a reason in its body. {@link #assertClean()} then fails
 * once, listing all of them (not only the first), so one run shows every defect.
 */
public final class RestFuzz {
    /**
     * Refusals the HTTP layer makes before any pgha code runs (payload, URI or headers too large):
     * their status line is the reason.
     */
    private static final java.util.Set<Integer> HTTP_LAYER = java.util.Set.of(413, 414, 431);

    private final RawHttp http;
    private final List<String> problems = new ArrayList<>();
    private int sent;

    public RestFuzz(String host, int port) {
        this.http = new RawHttp(host, port);
    }

    public RawHttp http() {
        return http;
    }

    /** Expects a 4xx whose body says what was wrong. */
    public Answer expectRefusal(String what, String method, String target, Map<String, String> headers, byte[] body) {
        Answer answer = send(what, method, target, headers, body);
        if (answer != null && !(answer.status() >= 400 && answer.status() < 500)) {
            problems.add(what + ": expected a 4xx refusal, got " + answer);
        } else if (answer != null && answer.body().isBlank() && !HTTP_LAYER.contains(answer.status())) {
            problems.add(what + ": " + answer.status() + " " + answer.reason() + " without a reason in the body");
        }
        return answer;
    }

    /** Expects no 5xx, and a reason in the body of any 4xx (an odd but harmless request may succeed). */
    public Answer expectNoServerError(
            String what, String method, String target, Map<String, String> headers, byte[] body) {
        return expectNoServerError(what, method, target, headers, body, java.util.Set.of());
    }

    /**
     * Like {@link #expectNoServerError(String, String, String, Map, byte[])}, where {@code answers} are
     * statuses of the endpoint's own contract (Patroni's health checks answer 503 for "no").
     */
    public Answer expectNoServerError(
            String what,
            String method,
            String target,
            Map<String, String> headers,
            byte[] body,
            java.util.Set<Integer> answers) {
        Answer answer = send(what, method, target, headers, body);
        if (answer != null && answers.contains(answer.status())) {
            return answer;
        }
        if (answer != null && (answer.status() >= 500 || answer.status() == 0)) {
            problems.add(what + ": expected no server error, got " + answer);
        } else if (answer != null
                && answer.status() >= 400
                && answer.body().isBlank()
                && !HTTP_LAYER.contains(answer.status())) {
            problems.add(what + ": " + answer.status() + " " + answer.reason() + " without a reason in the body");
        }
        return answer;
    }

    /**
     * A request that is not valid HTTP: refused with a 4xx (the status line is reason enough here, the
     * HTTP layer answers before any pgha code runs) or with the connection closed; never a 5xx.
     */
    public Answer expectProtocolRefusal(String what, byte[] raw) {
        sent++;
        try {
            Answer answer = http.sendRaw(raw);
            if (!answer.refused()) {
                problems.add(what + ": expected a 4xx or a closed connection, got " + answer);
            }
            return answer;
        } catch (RuntimeException e) {
            problems.add(what + ": " + e.getMessage());
            return null;
        }
    }

    private Answer send(String what, String method, String target, Map<String, String> headers, byte[] body) {
        sent++;
        try {
            return http.send(method, target, headers, body);
        } catch (RuntimeException e) {
            problems.add(what + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * The corpus for a read-only JSON API under {@code /api/v1/clusters}: every hostile path segment as
     * the cluster of {@code /api/v1/clusters/<segment>/<resource>} (no 5xx), every hostile body with
     * POST, PUT, PATCH and DELETE on {@code /api/v1/clusters/<cluster>/<resource>} (a 4xx with a reason),
     * every hostile header set on {@code /api/v1/clusters} (no 5xx) and malformed HTTP. Call {@link
     * #assertClean()} after.
     */
    public void readOnlyClustersApi(String cluster, String resource) {
        for (String segment : HostileInputs.pathSegments()) {
            String path = "/api/v1/clusters/" + segment + "/" + resource;
            expectNoServerError("GET " + path, "GET", path, Map.of(), null);
        }
        for (HostileInputs.Body body : HostileInputs.bodies()) {
            for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
                expectRefusal(
                        method + " " + resource + " with " + body.name(),
                        method,
                        "/api/v1/clusters/" + cluster + "/" + resource,
                        Map.of("Content-Type", "application/json"),
                        body.bytes());
            }
        }
        for (HostileInputs.Headers headers : HostileInputs.headers()) {
            expectNoServerError(
                    "GET clusters with " + headers.name(), "GET", "/api/v1/clusters", headers.values(), null);
        }
        for (HostileInputs.Body request : HostileInputs.malformedRequests("/api/v1/clusters")) {
            expectProtocolRefusal(request.name(), request.bytes());
        }
    }

    /** How many requests were sent. */
    public int sent() {
        return sent;
    }

    /** The answers that broke the rule so far. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Fails listing every answer that broke the rule. */
    public void assertClean() {
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " of " + sent + " hostile requests were not refused cleanly:\n  "
                    + String.join("\n  ", problems));
        }
    }
}
