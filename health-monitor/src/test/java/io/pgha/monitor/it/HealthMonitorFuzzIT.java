package io.pgha.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import io.pgha.local.fuzz.HostileRecords;
import io.pgha.local.fuzz.HostileRecords.Hostile;
import io.pgha.local.fuzz.RestFuzz;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built health-monitor (Kafka only) against the shared hostile-input corpus: its REST API refuses
 * odd paths, methods, bodies, headers and malformed HTTP with a 4xx that says why and keeps serving;
 * pgha.topology records that do not parse, or name members it must not probe (control characters, a
 * leader that is no member, a key that is not the cluster), go to pgha.topology.dlq with a reason and
 * are never probed; the valid topology after them is.
 */
class HealthMonitorFuzzIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final String CLUSTER = "fuzz";

    private static KafkaBroker kafka;
    private static QuarkusService monitor;

    @BeforeAll
    static void start() {
        kafka = infra.kafka();
        monitor = infra.service(
                "monitor-fuzz", QuarkusService.ownJar(), Map.of("kafka.bootstrap.servers", kafka.bootstrapServers()));
    }

    @Test
    void hostileTopologiesAreDeadLetteredWithAReasonAndTheValidOneAfterThemIsProbed() throws Exception {
        TopologyChanged valid = topology(7, "pg-0", member("pg-0", "127.0.0.1"), member("pg-1", "127.0.0.1"));
        List<Hostile> hostile = new ArrayList<>(HostileRecords.unparseable(valid));
        hostile.add(HostileRecords.of(
                "a newline in the leader",
                topology(3, "pg-0\nserver evil 10.0.0.66:5432", member("pg-0", "127.0.0.1"))));
        hostile.add(HostileRecords.of("a leader that is no member", topology(4, "pg-9", member("pg-0", "127.0.0.1"))));
        hostile.add(HostileRecords.of(
                "a control character in a member name",
                topology(5, "pg-0", member("pg-0", "127.0.0.1"), member("pg-\u00011", "127.0.0.1"))));
        hostile.add(
                HostileRecords.of("a newline in a host", topology(6, "pg-0", member("pg-0", "127.0.0.1\nbind :80"))));
        Hostile other =
                HostileRecords.of("a key that is not the cluster", topology(2, "pg-0", member("pg-0", "127.0.0.1")));
        hostile.add(new Hostile(other.name(), other.topic(), "another-cluster", other.value(), other.headers()));
        List<Hostile> all = new ArrayList<>(hostile);
        all.add(HostileRecords.of("valid after the hostile ones", valid));

        try (HostileRecords records = new HostileRecords(kafka.bootstrapServers())) {
            records.send(all);
        }

        // the topology is taken before its first probe: wait for both members' results, not only the epoch
        // (a fresh-clone run read the nodes in between: "nodes":[])
        Wait.until(Duration.ofSeconds(60), "the valid topology (epoch 7) probed", () -> {
            String body = nodes().body();
            return body.contains("\"epoch\":7")
                    && body.contains("\"member\":\"pg-0\"")
                    && body.contains("\"member\":\"pg-1\"");
        });
        Map<String, ConsumerRecord<String, byte[]>> dead = HostileRecords.awaitDeadLettered(
                kafka.bootstrapServers(), "pgha.topology", hostile, Duration.ofSeconds(30));
        assertThat(dead)
                .as("the valid record is not dead-lettered")
                .doesNotContainKey("hostile-valid-after-the-hostile-ones");
        String nodes = nodes().body();
        assertThat(nodes).contains("\"leader\":\"pg-0\"", "\"member\":\"pg-0\"", "\"member\":\"pg-1\"");
        assertThat(nodes).doesNotContain("evil", "pg-9", "bind :80", "\\u0001");
        assertThat(monitor.get("/api/v1/clusters").body()).contains("\"clusters\":[\"" + CLUSTER + "\"]");
        stillServes();
    }

    @Test
    void oddPathsMethodsBodiesAndHeadersAreRefusedWithAReason() throws Exception {
        RestFuzz fuzz = new RestFuzz(monitor.host(), monitor.httpPort());
        fuzz.readOnlyClustersApi(CLUSTER, "nodes");
        fuzz.assertClean();
        stillServes();
    }

    private static void stillServes() throws Exception {
        assertThat(monitor.get("/q/health/live").statusCode()).isEqualTo(200);
        assertThat(monitor.get("/api/v1/clusters").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> nodes() throws Exception {
        return monitor.get("/api/v1/clusters/" + CLUSTER + "/nodes");
    }

    private static TopologyChanged topology(long epoch, String leader, Member... members) {
        return new TopologyChanged(CLUSTER, epoch, leader, List.of(members), List.of(), false, Instant.now());
    }

    /** A member nothing listens for (port 1): probing it fails quickly, which is fine here. */
    private static Member member(String name, String host) {
        return new Member(name, MemberRole.REPLICA, "running", host, 1, "http://127.0.0.1:1/patroni", 1, 0L, Map.of());
    }
}
