package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.Wait;
import io.pgha.local.fuzz.HostileInputs;
import io.pgha.local.fuzz.RawHttp.Answer;
import io.pgha.local.fuzz.RestFuzz;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One agent with its PostgreSQL (a primary) against the shared hostile-input corpus: the POST actions
 * refuse every hostile body and every bad token with a 4xx that says why and do not touch PostgreSQL
 * (same postmaster); the health checks answer hostile query strings, odd paths, odd headers and
 * malformed HTTP without a server error; afterwards the agent is live and a valid restart works.
 */
class AgentFuzzIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    @RegisterExtension
    static final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> List.of(AgentFuzzIT.node));

    /** The checks a running primary answers with 200 (the others answer 503 by design). */
    private static final List<String> PRIMARY_CHECKS = List.of(
            "/", "/primary", "/master", "/read-write", "/leader", "/health", "/liveness", "/readiness", "/patroni");

    private static final List<String> ACTIONS = List.of("/restart", "/reload", "/reinitialize");

    private static Node node;

    @BeforeAll
    static void start() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        node = AgentNodes.start(infra, "node0", etcd.endpoints(), null, Map.of());
        Wait.until(Duration.ofSeconds(60), "node0 running as primary", () -> node.status("/primary") == 200);
    }

    @Test
    void everyActionRefusesEveryHostileBodyWithAReasonAndLeavesPostgresAlone() throws Exception {
        long postmaster = node.postmasterPid();
        RestFuzz fuzz = fuzz();
        for (HostileInputs.Body body : HostileInputs.bodies()) {
            if (body.bytes().length == 0 || new String(body.bytes(), StandardCharsets.UTF_8).isBlank()) {
                continue; // an empty body is Patroni's usual request: it runs the action
            }
            for (String action : ACTIONS) {
                fuzz.expectRefusal(
                        "POST " + action + " with " + body.name(), "POST", action, json(authorized()), body.bytes());
            }
        }
        for (String options : List.of(
                "{\"schedule\": \"2020-01-01T00:00:00Z\"}",
                "{\"schedule\": \"2030-01-01T00:00:00\"}",
                "{\"restart_pending\": \"maybe\"}",
                "{\"role\": \"leader\"}",
                "{\"postgres_version\": \"99\"}",
                "{\"timeout\": 0}",
                "{\"timeout\": \"soon\"}")) {
            fuzz.expectRefusal(
                    "POST /restart with the bad option " + options,
                    "POST",
                    "/restart",
                    json(authorized()),
                    options.getBytes(StandardCharsets.UTF_8));
        }
        fuzz.assertClean();
        // conditions this primary does not meet: Patroni's 503, nothing restarted
        for (String options :
                List.of("{\"restart_pending\": true}", "{\"role\": \"replica\"}", "{\"postgres_version\": \"10.0\"}")) {
            Answer answer = fuzz().http()
                    .send("POST", "/restart", json(authorized()), options.getBytes(StandardCharsets.UTF_8));
            assertThat(answer.status()).as(options + ": " + answer).isEqualTo(503);
            assertThat(answer.body()).as(options).contains("restart conditions are not satisfied");
        }
        assertThat(node.postmasterPid())
                .as("the postmaster after the hostile bodies")
                .isEqualTo(postmaster);
        stillServes();
    }

    @Test
    void aMissingOrWrongTokenIsRefusedWithAReason() throws Exception {
        long postmaster = node.postmasterPid();
        RestFuzz fuzz = fuzz();
        for (HostileInputs.Headers auth : HostileInputs.badAuthorizations()) {
            for (String action : ACTIONS) {
                fuzz.expectRefusal(
                        "POST " + action + " with " + auth.name(), "POST", action, auth.values(), new byte[0]);
            }
        }
        fuzz.assertClean();
        assertThat(node.postmasterPid()).isEqualTo(postmaster);
        stillServes();
    }

    @Test
    void healthChecksAnswerHostileQueriesPathsAndHeadersWithoutAServerError() throws Exception {
        RestFuzz fuzz = fuzz();
        List<String> queries = List.of(
                "lag=abc",
                "lag=1e400",
                "lag=-5",
                "lag=99999999999999999999",
                "lag=",
                "lag=%0A",
                "lag=1MB",
                "lag=1&lag=2",
                "tag_nofailover=%00",
                "tag_%0A=x",
                "replication_state=%FF",
                "lag=" + "9".repeat(5000),
                "=");
        for (String check : PRIMARY_CHECKS) {
            for (String query : queries) {
                // 503 is a health check's "no" (a tag that does not match, say), not a server error
                fuzz.expectNoServerError(
                        "GET " + check + "?" + query,
                        "GET",
                        check + "?" + query,
                        Map.of(),
                        null,
                        java.util.Set.of(503));
            }
        }
        for (String segment : HostileInputs.pathSegments()) {
            fuzz.expectNoServerError("GET /" + segment, "GET", "/" + segment, Map.of(), null);
            fuzz.expectNoServerError("GET /patroni/" + segment, "GET", "/patroni/" + segment, Map.of(), null);
        }
        for (HostileInputs.Headers headers : HostileInputs.headers()) {
            fuzz.expectNoServerError("GET /patroni with " + headers.name(), "GET", "/patroni", headers.values(), null);
            fuzz.expectNoServerError("GET /primary with " + headers.name(), "GET", "/primary", headers.values(), null);
        }
        // an invalid percent escape in the query is a malformed URI: the HTTP layer refuses it (400)
        for (String check : PRIMARY_CHECKS) {
            fuzz.expectProtocolRefusal(
                    "GET " + check + "?%zz=%zz",
                    ("GET " + check + "?%zz=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
        }
        for (HostileInputs.Body request : HostileInputs.malformedRequests("/restart")) {
            fuzz.expectProtocolRefusal(request.name(), request.bytes());
        }
        fuzz.assertClean();
        stillServes();
    }

    /** Live, a primary, and a valid restart (empty body, then {}) still restarts PostgreSQL. */
    private static void stillServes() throws Exception {
        assertThat(node.agent().get("/q/health/live").statusCode()).isEqualTo(200);
        Answer reload = fuzz().http().send("POST", "/reload", authorized(), new byte[0]);
        assertThat(reload.status()).as(reload.toString()).isEqualTo(202);
        long before = node.postmasterPid();
        Answer restart =
                fuzz().http().send("POST", "/restart", json(authorized()), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(restart.status()).as(restart.toString()).isEqualTo(200);
        Wait.until(
                Duration.ofSeconds(30),
                "a new postmaster, running as primary",
                () -> node.postmasterPid() != before && node.status("/primary") == 200);
    }

    private static RestFuzz fuzz() {
        return new RestFuzz(node.agent().host(), node.agent().httpPort());
    }

    private static Map<String, String> authorized() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + AgentNodes.TOKEN);
        return headers;
    }

    private static Map<String, String> json(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        return all;
    }
}
