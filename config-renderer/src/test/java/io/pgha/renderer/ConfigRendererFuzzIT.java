package io.pgha.renderer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.Wait;
import io.pgha.local.fuzz.HostileInputs;
import io.pgha.local.fuzz.HostileRecords;
import io.pgha.local.fuzz.HostileRecords.Hostile;
import io.pgha.local.fuzz.RestFuzz;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built config-renderer with a real HAProxy and Kafka (no PostgreSQL: stand-in agents) against the
 * shared hostile-input corpus. pgha.topology records that do not parse go to pgha.topology.dlq with a
 * reason; topologies that parse but cannot be routed to are refused (counted in {@code rejected}, the
 * reason in {@code last_error}), and neither reaches haproxy.cfg; the valid topology after them is
 * applied with exactly one new file. Its REST API refuses odd paths, methods, bodies, headers and
 * malformed HTTP with a 4xx that says why and keeps serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigRendererFuzzIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final List<String> TWO = List.of("pg-0", "pg-1");

    static RoutingFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new RoutingFixture(infra);
        fixture.member("pg-0", "127.0.0.1", Ports.free(), StandInAgent.Role.PRIMARY);
        fixture.member("pg-1", "127.0.0.1", Ports.free(), StandInAgent.Role.REPLICA);
        fixture.publish(fixture.topology(1, "pg-0", TWO));
        Wait.until(DEADLINE, "epoch 1 applied", () -> epoch() == 1);
    }

    @Test
    @Order(1)
    void recordsThatDoNotParseAreDeadLetteredAndTheValidOneAfterThemIsAppliedOnce() throws Exception {
        String before = fixture.configFile();
        long writes = fixture.status().get("writes").asLong();
        TopologyChanged valid = fixture.topology(2, "pg-1", TWO);
        List<Hostile> hostile = HostileRecords.unparseable(valid);
        List<Hostile> all = new ArrayList<>(hostile);
        all.add(HostileRecords.of("valid after the hostile ones", valid));

        try (HostileRecords records = new HostileRecords(fixture.kafka.bootstrapServers())) {
            records.send(all);
        }

        Wait.until(DEADLINE, "epoch 2 applied", () -> epoch() == 2);
        Map<String, ConsumerRecord<String, byte[]>> dead =
                HostileRecords.awaitDeadLettered(fixture.kafka.bootstrapServers(), "pgha.topology", hostile, DEADLINE);
        assertThat(dead).doesNotContainKey("hostile-valid-after-the-hostile-ones");
        assertThat(fixture.status().get("writes").asLong())
                .as("files written for the valid topology")
                .isEqualTo(writes + 1);
        assertThat(fixture.status().get("clusters").get(0).get("leader").asText())
                .isEqualTo("pg-1");
        assertThat(fixture.configFile()).isNotEqualTo(before);
        stillServes();
    }

    @Test
    @Order(2)
    void topologiesThatCannotBeRoutedToAreRefusedWithAReasonAndNeverReachHaproxy() throws Exception {
        // Each is sent alone and its refusal awaited: the renderer coalesces changes, so a batch would
        // only show the last one.
        Map<String, UnaryOperator<List<Member>>> hostile = new LinkedHashMap<>();
        Map<String, String> leaders = Map.of(
                "a newline in the leader", "pg-0\nserver evil 10.0.0.66:5432",
                "a leader that is no member", "pg-9",
                "a carriage return in the leader", "pg-0\r");
        leaders.keySet().forEach(name -> hostile.put(name, m -> m));
        hostile.put(
                "a newline in a member name",
                m -> replace(m, 1, withName(m.get(1), "pg-1\nserver evil 10.0.0.66:5432")));
        hostile.put("a NUL in a member name", m -> replace(m, 1, withName(m.get(1), "pg-\u00001")));
        hostile.put("a newline in a host", m -> replace(m, 1, withHost(m.get(1), "127.0.0.1\n  bind :80")));
        hostile.put("a space in a host", m -> replace(m, 1, withHost(m.get(1), "127.0.0.1 backup")));
        hostile.put("a huge member name", m -> replace(m, 1, withName(m.get(1), "p".repeat(100_000))));
        hostile.put("port 0", m -> replace(m, 1, withPort(m.get(1), 0)));
        hostile.put("port 70000", m -> replace(m, 1, withPort(m.get(1), 70_000)));
        hostile.put("a member listed twice", m -> List.of(m.get(0), m.get(1), m.get(1)));
        hostile.put("an api_url that is not http", m -> replace(m, 1, withApiUrl(m.get(1), "file:///etc/passwd")));
        hostile.put(
                "an api_url with a newline", m -> replace(m, 1, withApiUrl(m.get(1), "http://127.0.0.1:1/\nbind :81")));

        long epoch = 10;
        for (Map.Entry<String, UnaryOperator<List<Member>>> entry : hostile.entrySet()) {
            String before = fixture.configFile();
            long rejected = fixture.status().get("rejected").asLong();
            TopologyChanged base = fixture.topology(++epoch, "pg-0", TWO);
            fixture.publish(new TopologyChanged(
                    base.cluster(),
                    base.epoch(),
                    leaders.getOrDefault(entry.getKey(), base.leader()),
                    entry.getValue().apply(base.members()),
                    base.syncStandbys(),
                    base.pause(),
                    base.occurredAt()));
            long at = epoch;
            Wait.until(
                    DEADLINE,
                    "the refusal of " + entry.getKey(),
                    () -> fixture.status().get("rejected").asLong() > rejected);
            JsonNode error = fixture.status().get("last_error");
            assertThat(error.get("epoch").asLong()).as(entry.getKey()).isEqualTo(at);
            assertThat(error.get("reason").asText()).as(entry.getKey()).isNotBlank();
            assertThat(fixture.configFile())
                    .as("haproxy.cfg after " + entry.getKey())
                    .isEqualTo(before);
            assertThat(epoch())
                    .as("the epoch routed by after " + entry.getKey())
                    .isEqualTo(2);
        }
        String config = fixture.configFile();
        assertThat(config).doesNotContain("evil", "pg-9", "bind :80", "bind :81", "127.0.0.1 backup", "passwd");

        long writes = fixture.status().get("writes").asLong();
        fixture.publish(fixture.topology(++epoch, "pg-0", TWO));
        long valid = epoch;
        Wait.until(DEADLINE, "the valid topology after the refused ones applied", () -> epoch() == valid);
        assertThat(fixture.status().get("writes").asLong()).isEqualTo(writes + 1);
        assertThat(fixture.status().get("clusters").get(0).get("leader").asText())
                .isEqualTo("pg-0");
        stillServes();
    }

    @Test
    @Order(3)
    void oddPathsMethodsBodiesAndHeadersAreRefusedWithAReason() throws Exception {
        RestFuzz fuzz = new RestFuzz(fixture.renderer.host(), fixture.renderer.httpPort());
        for (String segment : HostileInputs.pathSegments()) {
            String path = "/api/v1/haproxy/" + segment;
            fuzz.expectRefusal("GET " + path, "GET", path, Map.of(), null);
        }
        for (HostileInputs.Body body : HostileInputs.bodies()) {
            for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
                for (String path : List.of("/api/v1/haproxy", "/api/v1/haproxy/config")) {
                    fuzz.expectRefusal(
                            method + " " + path + " with " + body.name(),
                            method,
                            path,
                            Map.of("Content-Type", "application/json"),
                            body.bytes());
                }
            }
        }
        for (HostileInputs.Headers headers : HostileInputs.headers()) {
            fuzz.expectNoServerError(
                    "GET status with " + headers.name(), "GET", "/api/v1/haproxy", headers.values(), null);
            fuzz.expectNoServerError(
                    "GET config with " + headers.name(), "GET", "/api/v1/haproxy/config", headers.values(), null);
        }
        for (HostileInputs.Body request : HostileInputs.malformedRequests("/api/v1/haproxy")) {
            fuzz.expectProtocolRefusal(request.name(), request.bytes());
        }
        fuzz.assertClean();
        stillServes();
    }

    private static void stillServes() throws Exception {
        assertThat(fixture.renderer.get("/q/health/live").statusCode()).isEqualTo(200);
        assertThat(fixture.renderer.get("/api/v1/haproxy").statusCode()).isEqualTo(200);
        assertThat(fixture.renderer.get("/api/v1/haproxy/config").body()).contains(RoutingFixture.CLUSTER + "_rw");
    }

    private static long epoch() throws Exception {
        JsonNode clusters = fixture.status().get("clusters");
        return clusters == null || clusters.isEmpty()
                ? -1
                : clusters.get(0).get("epoch").asLong();
    }

    private static List<Member> replace(List<Member> members, int index, Member member) {
        List<Member> copy = new ArrayList<>(members);
        copy.set(index, member);
        return copy;
    }

    private static Member withName(Member m, String name) {
        return new Member(name, m.role(), m.state(), m.host(), m.port(), m.apiUrl(), m.timeline(), m.lag(), m.tags());
    }

    private static Member withHost(Member m, String host) {
        return new Member(m.name(), m.role(), m.state(), host, m.port(), m.apiUrl(), m.timeline(), m.lag(), m.tags());
    }

    private static Member withPort(Member m, int port) {
        return new Member(m.name(), m.role(), m.state(), m.host(), port, m.apiUrl(), m.timeline(), m.lag(), m.tags());
    }

    private static Member withApiUrl(Member m, String apiUrl) {
        return new Member(m.name(), m.role(), m.state(), m.host(), m.port(), apiUrl, m.timeline(), m.lag(), m.tags());
    }
}
