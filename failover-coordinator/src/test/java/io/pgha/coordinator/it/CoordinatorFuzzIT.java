package io.pgha.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.DynamicConfig;
import io.pgha.core.EtcdLayout;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.events.Lsn;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.local.EtcdCluster;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import io.pgha.local.fuzz.HostileInputs;
import io.pgha.local.fuzz.HostileRecords;
import io.pgha.local.fuzz.HostileRecords.Hostile;
import io.pgha.local.fuzz.RawHttp.Answer;
import io.pgha.local.fuzz.RestFuzz;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built coordinator (etcd + Kafka, no PostgreSQL) against the shared hostile-input corpus: every
 * endpoint of {@code /api/v1/clusters/**} refuses malformed bodies, wrong types, huge values, odd paths,
 * odd headers, bad tokens and malformed HTTP with a 4xx that says why, changes nothing, and keeps
 * serving; pgha.node-health records that do not parse go to pgha.node-health.dlq with a reason.
 */
class CoordinatorFuzzIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final String CLUSTER = "fuzz";
    private static final String TOKEN = "fuzz-token";
    private static final String BASE = "/api/v1/clusters/";

    private static KafkaBroker kafka;
    private static QuarkusService coordinator;
    private static EtcdClusterStore store;

    @BeforeAll
    static void start() {
        EtcdCluster etcd = infra.etcd(1);
        kafka = infra.kafka();
        store = EtcdClusterStore.connect(etcd.endpoints(), EtcdLayout.of(CLUSTER), Duration.ofSeconds(5));
        assertThat(store.createConfig(DynamicConfig.DEFAULTS)).isTrue();
        coordinator = infra.service(
                "coordinator-fuzz",
                QuarkusService.ownJar(),
                Map.of(
                        "kafka.bootstrap.servers",
                        kafka.bootstrapServers(),
                        "pgha.etcd.endpoints",
                        String.join(",", etcd.endpoints()),
                        "pgha.api.token",
                        TOKEN,
                        "pgha.coordinator.name",
                        "fuzz-coordinator"));
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void everyBodyEndpointRefusesEveryHostileBodyWithAReason() throws Exception {
        RestFuzz fuzz = fuzz();
        String before = store.read().config().orElseThrow();
        for (HostileInputs.Body body : HostileInputs.bodies()) {
            for (String[] endpoint :
                    List.of(new String[] {"POST", "switchover"}, new String[] {"POST", "failover"}, new String[] {
                        "PATCH", "config"
                    })) {
                fuzz.expectRefusal(
                        endpoint[0] + " " + endpoint[1] + " with " + body.name(),
                        endpoint[0],
                        BASE + CLUSTER + "/" + endpoint[1],
                        json(authorized()),
                        body.bytes());
            }
        }
        fuzz.assertClean();
        assertThat(store.read().config()).as("the stored dynamic config").contains(before);
        assertThat(store.read().switchover()).as("no switchover key written").isEmpty();
        stillServes();
    }

    @Test
    void oddPathsAreRefusedWithAReasonAndCreateNothing() throws Exception {
        RestFuzz fuzz = fuzz();
        for (String segment : HostileInputs.pathSegments()) {
            String base = BASE + segment;
            fuzz.expectNoServerError("GET " + base, "GET", base, Map.of(), null);
            for (String tail : List.of("/history", "/config")) {
                fuzz.expectNoServerError("GET " + base + tail, "GET", base + tail, Map.of(), null);
            }
            for (String tail : List.of("/pause", "/resume", "/switchover", "/failover")) {
                fuzz.expectNoServerError(
                        "POST " + base + tail,
                        "POST",
                        base + tail,
                        json(authorized()),
                        bytes("{\"candidate\": \"pg-1\"}"));
            }
            fuzz.expectNoServerError(
                    "DELETE " + base + "/switchover", "DELETE", base + "/switchover", authorized(), null);
            fuzz.expectNoServerError(
                    "PATCH " + base + "/config", "PATCH", base + "/config", json(authorized()), bytes("{\"ttl\": 30}"));
        }
        fuzz.assertClean();
        assertThat(store.read().config().orElseThrow()).doesNotContain("\"ttl\":30");
        assertThat(coordinator.get("/api/v1/clusters").body())
                .as("clusters in etcd after the odd paths")
                .contains("\"cluster\":\"" + CLUSTER + "\"")
                .doesNotContain("no-such-cluster");
        stillServes();
    }

    @Test
    void oddHeadersNeverCauseAServerError() throws Exception {
        RestFuzz fuzz = fuzz();
        for (HostileInputs.Headers headers : HostileInputs.headers()) {
            Map<String, String> all = new LinkedHashMap<>(authorized());
            all.putAll(headers.values());
            fuzz.expectNoServerError(
                    "GET cluster with " + headers.name(), "GET", BASE + CLUSTER, headers.values(), null);
            fuzz.expectNoServerError(
                    "POST switchover to an unknown member with " + headers.name(),
                    "POST",
                    BASE + CLUSTER + "/switchover",
                    all,
                    bytes("{\"leader\": \"pg-0\", \"candidate\": \"pg-1\"}"));
            fuzz.expectNoServerError(
                    "PATCH config with " + headers.name(),
                    "PATCH",
                    BASE + CLUSTER + "/config",
                    all,
                    bytes("{\"ttl\": \"x\"}"));
        }
        fuzz.assertClean();
        assertThat(store.read().switchover()).isEmpty();
        stillServes();
    }

    @Test
    void aMissingOrWrongTokenIsRefusedWithAReasonOnEveryChange() throws Exception {
        RestFuzz fuzz = fuzz();
        for (HostileInputs.Headers auth : HostileInputs.badAuthorizations()) {
            Map<String, String> headers = json(auth.values());
            for (String tail : List.of("/pause", "/resume", "/switchover", "/failover")) {
                fuzz.expectRefusal(
                        "POST " + tail + " with " + auth.name(),
                        "POST",
                        BASE + CLUSTER + tail,
                        headers,
                        bytes("{\"leader\": \"pg-0\", \"candidate\": \"pg-1\"}"));
            }
            fuzz.expectRefusal(
                    "DELETE switchover with " + auth.name(),
                    "DELETE",
                    BASE + CLUSTER + "/switchover",
                    auth.values(),
                    null);
            fuzz.expectRefusal(
                    "PATCH config with " + auth.name(),
                    "PATCH",
                    BASE + CLUSTER + "/config",
                    headers,
                    bytes("{\"pause\": true}"));
        }
        fuzz.assertClean();
        assertThat(store.read().config().orElseThrow()).doesNotContain("\"pause\":true");
        stillServes();
    }

    @Test
    void malformedHttpIsRefused() throws Exception {
        RestFuzz fuzz = fuzz();
        for (HostileInputs.Body request : HostileInputs.malformedRequests(BASE + CLUSTER + "/switchover")) {
            fuzz.expectProtocolRefusal(request.name(), request.bytes());
        }
        fuzz.assertClean();
        stillServes();
    }

    @Test
    void nodeHealthRecordsThatDoNotParseAreDeadLetteredWithAReason() {
        try (HostileRecords records = new HostileRecords(kafka.bootstrapServers())) {
            awaitConsuming(records);
            NodeHealthObserved valid = health("pg-0", Instant.now().truncatedTo(ChronoUnit.MILLIS));
            List<Hostile> hostile = HostileRecords.unparseable(valid);
            List<Hostile> all = new ArrayList<>(hostile);
            all.add(HostileRecords.of("valid after the hostile ones", valid));
            records.send(all);

            Map<String, ConsumerRecord<String, byte[]>> dead = HostileRecords.awaitDeadLettered(
                    kafka.bootstrapServers(), "pgha.node-health", hostile, Duration.ofSeconds(60));
            assertThat(dead)
                    .as("the valid record is not dead-lettered")
                    .doesNotContainKey("hostile-valid-after-the-hostile-ones");
        }
        assertThat(coordinator.process().isAlive()).isTrue();
    }

    /** Sends unparseable sentinels until one reaches the dead-letter topic: the consumer reads now. */
    private static void awaitConsuming(HostileRecords records) {
        NodeHealthObserved sample = health("sentinel", Instant.now());
        int[] attempt = {0};
        Wait.until(Duration.ofSeconds(60), "the coordinator consuming pgha.node-health", () -> {
            attempt[0]++;
            Hostile sentinel = HostileRecords.unparseable(sample).get(0);
            Map<String, String> headers = new LinkedHashMap<>(sentinel.headers());
            headers.put("ce_id", "sentinel-" + attempt[0]);
            records.send(List.of(new Hostile("sentinel", sentinel.topic(), sentinel.key(), sentinel.value(), headers)));
            return HostileRecords.deadLettered(kafka.bootstrapServers(), "pgha.node-health").keySet().stream()
                    .anyMatch(id -> id.startsWith("sentinel-"));
        });
    }

    private static NodeHealthObserved health(String member, Instant at) {
        return new NodeHealthObserved(
                CLUSTER,
                member,
                "fuzz-monitor",
                at,
                true,
                null,
                null,
                NodeRole.PRIMARY,
                1,
                Lsn.parse("0/3000060"),
                null,
                null,
                0L,
                0.0,
                3,
                5,
                100);
    }

    /** Live, and a valid change still works: pause, resume and a config change with its ETag. */
    private static void stillServes() throws Exception {
        assertThat(coordinator.get("/q/health/live").statusCode()).isEqualTo(200);
        RestFuzz fuzz = fuzz();
        Answer pause = fuzz.http().send("POST", BASE + CLUSTER + "/pause", authorized(), new byte[0]);
        assertThat(pause.status()).as(pause.toString()).isEqualTo(200);
        assertThat(store.read().config().orElseThrow()).contains("\"pause\":true");
        Answer resume = fuzz.http().send("POST", BASE + CLUSTER + "/resume", authorized(), new byte[0]);
        assertThat(resume.status()).as(resume.toString()).isEqualTo(200);
        Answer config = fuzz.http().get(BASE + CLUSTER + "/config");
        assertThat(config.status()).as(config.toString()).isEqualTo(200);
        Map<String, String> headers = json(authorized());
        headers.put("If-Match", config.headers().get("etag"));
        Answer patch = fuzz.http().send("PATCH", BASE + CLUSTER + "/config", headers, bytes("{\"loop_wait\": 2}"));
        assertThat(patch.status()).as(patch.toString()).isEqualTo(200);
        assertThat(store.read().config().orElseThrow()).contains("\"loop_wait\":2");
        Answer back = fuzz.http()
                .send("PATCH", BASE + CLUSTER + "/config", json(authorized()), bytes("{\"loop_wait\": null}"));
        assertThat(back.status()).as(back.toString()).isEqualTo(200);
    }

    private static RestFuzz fuzz() {
        return new RestFuzz(coordinator.host(), coordinator.httpPort());
    }

    private static Map<String, String> authorized() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + TOKEN);
        return headers;
    }

    private static Map<String, String> json(Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        return all;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
