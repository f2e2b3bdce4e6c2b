package io.pgha.monitor.it;

import static io.pgha.monitor.it.MonitoredServers.MONITOR_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.events.Topics;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.PostgresNode;
import io.pgha.local.PrometheusText;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built health-monitor against a real Kafka broker and three real PostgreSQL servers (pg-0
 * primary, pg-1 and pg-2 streaming replicas), logging in as the least-privilege monitoring role.
 * One setup for the class; the scenarios run in order and use their own clusters where they must.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthMonitorIT {
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration AUTH_BACKOFF = Duration.ofSeconds(3);
    /** Lands on partition 0 of pgha.topology; {@link #SECOND} on the last one: range assignment splits them. */
    private static final String MAIN = KafkaTopics.clusterOnPartition("main", 0);

    private static final String SECOND = KafkaTopics.clusterOnPartition("second", KafkaTopics.TOPOLOGY_PARTITIONS - 1);
    private static final String AUTH = "wrong-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static KafkaBroker kafka;
    private static KafkaTopics topics;
    private static HealthEvents events;
    private static MonitoredServers servers;
    private static QuarkusService monitorA;

    @BeforeAll
    static void startEverything() throws Exception {
        kafka = infra.kafka();
        topics = infra.track(KafkaTopics.create(kafka.bootstrapServers()));
        events = infra.track(new HealthEvents(kafka.bootstrapServers()));
        servers = MonitoredServers.start(infra, Map.of());
        topics.publish(servers.topology(MAIN));
        topics.publish(new TopologyChanged(
                AUTH,
                7,
                "pg-0",
                List.of(new Member(
                        "pg-0",
                        MemberRole.LEADER,
                        "running",
                        servers.primary.host(),
                        servers.primary.port(),
                        null,
                        1,
                        null,
                        Map.of())),
                List.of(),
                false,
                Instant.now()));
        monitorA = monitor("monitor-a");
    }

    private static QuarkusService monitor(String name) {
        return infra.track(QuarkusService.builder(infra.workspace(), name, QuarkusService.ownJar())
                .property("kafka.bootstrap.servers", kafka.bootstrapServers())
                .property("pgha.messaging.instance", name)
                .property("pgha.health-monitor.password", MONITOR_PASSWORD)
                .property("pgha.health-monitor.clusters." + AUTH + ".password", "not-the-password")
                .property("pgha.health-monitor.probe-interval", PROBE_INTERVAL.toMillis() + "ms")
                .property("pgha.health-monitor.heartbeat-interval", "2s")
                .property("pgha.health-monitor.auth-backoff-initial", AUTH_BACKOFF.toSeconds() + "s")
                .property("pgha.health-monitor.auth-backoff-max", AUTH_BACKOFF.toSeconds() + "s")
                .start());
    }

    @Test
    @Order(1)
    void rolesAndLagAreReportedAndLagGrowsWhileReplayIsPausedThenFallsBackToZero() throws Exception {
        Duration deadline = Duration.ofSeconds(60);
        NodeHealthObserved primary = events.await(
                deadline,
                MAIN,
                "pg-0",
                "primary, lag 0",
                e -> e.role() == NodeRole.PRIMARY && Long.valueOf(0).equals(e.lag()));
        assertThat(primary.reachable()).isTrue();
        assertThat(primary.timeline()).isEqualTo(1);
        assertThat(primary.lsn()).isNotNull();
        assertThat(primary.observer()).isEqualTo("monitor-a");
        assertThat(primary.maxConnections()).isEqualTo(60);
        assertThat(primary.connections()).isPositive();
        for (String replica : List.of("pg-1", "pg-2")) {
            NodeHealthObserved seen = events.await(
                    deadline,
                    MAIN,
                    replica,
                    "replica, caught up",
                    e -> e.role() == NodeRole.REPLICA && Long.valueOf(0).equals(e.lag()));
            assertThat(seen.timeline()).isEqualTo(1);
            assertThat(seen.replayLsn()).isNotNull();
            assertThat(seen.lagSeconds()).isZero();
        }

        PostgresNode paused = servers.replica1;
        paused.execute("SELECT pg_wal_replay_pause()");
        Wait.until(Duration.ofSeconds(10), "replay paused on pg-1", () -> "paused"
                .equals(paused.queryValue("SELECT pg_get_wal_replay_pause_state()")));
        servers.primary.execute("CREATE TABLE lag_test AS SELECT g FROM generate_series(1, 20000) g");
        Instant firstWrite = Instant.now();
        NodeHealthObserved grown = events.await(
                Duration.ofSeconds(20),
                MAIN,
                "pg-1",
                "lag > 0 after the first write",
                e -> e.observedAt().isAfter(firstWrite) && e.lag() != null && e.lag() > 0);
        servers.primary.execute("INSERT INTO lag_test SELECT g FROM generate_series(1, 20000) g");
        Instant secondWrite = Instant.now();
        NodeHealthObserved grownMore = events.await(
                Duration.ofSeconds(20),
                MAIN,
                "pg-1",
                "lag above " + grown.lag() + " after the second write",
                e -> e.observedAt().isAfter(secondWrite) && e.lag() != null && e.lag() > grown.lag());
        assertThat(grownMore.receiveLsn()).isGreaterThan(grownMore.replayLsn());
        events.await(
                Duration.ofSeconds(20),
                MAIN,
                "pg-2",
                "pg-2, still replaying, at lag 0 after the second write",
                e -> e.observedAt().isAfter(secondWrite) && Long.valueOf(0).equals(e.lag()));

        JsonNode nodes = json(monitorA.get("/api/v1/clusters/" + MAIN + "/nodes"));
        assertThat(nodes.get("leader").asText()).isEqualTo("pg-0");
        JsonNode pg0 = node(nodes, "pg-0");
        assertThat(pg0.get("role").asText()).isEqualTo("primary");
        assertThat(pg0.get("archive_failed_count").asLong()).isZero();
        List<String> standbys = new ArrayList<>();
        pg0.get("standbys").forEach(s -> standbys.add(s.get("application_name").asText()));
        assertThat(standbys).containsExactlyInAnyOrder("pg-1", "pg-2");
        assertThat(node(nodes, "pg-1").get("lag").asLong()).isPositive();
        String metrics = monitorA.get("/q/metrics").body();
        assertThat(metrics)
                .contains("pgha_member_lag_bytes{cluster=\"" + MAIN + "\",member=\"pg-1\"}")
                .contains("pgha_member_role{cluster=\"" + MAIN + "\",member=\"pg-0\"} 1.0")
                .contains("pgha_member_reachable{cluster=\"" + MAIN + "\",member=\"pg-2\"} 1.0")
                .contains("pgha_probe_latency_seconds_bucket{outcome=\"ok\"");
        // connection usage per member, for Prometheus: client backends against max_connections
        for (String member : List.of("pg-0", "pg-1", "pg-2")) {
            Map<String, String> labels = Map.of("cluster", MAIN, "member", member);
            Wait.until(Duration.ofSeconds(10), "connection usage of " + member + " on /q/metrics", () -> {
                String scrape = monitorA.get("/q/metrics").body();
                double max = PrometheusText.value(scrape, "pgha_member_max_connections", labels)
                        .orElse(Double.NaN);
                double used = PrometheusText.value(scrape, "pgha_member_connections", labels)
                        .orElse(Double.NaN);
                return max == 60 && used >= 1 && used <= max;
            });
        }

        paused.execute("SELECT pg_wal_replay_resume()");
        Instant resumed = Instant.now();
        events.await(
                Duration.ofSeconds(20),
                MAIN,
                "pg-1",
                "lag back to 0 after resuming replay",
                e -> e.observedAt().isAfter(resumed) && Long.valueOf(0).equals(e.lag()));
        System.out.printf(
                "lag of pg-1 while paused: %d then %d bytes; back to 0 after resume%n", grown.lag(), grownMore.lag());
    }

    @Test
    @Order(2)
    void aWrongPasswordIsAnAuthenticationFailureProbedNoMoreOftenThanTheBackoffAllows() throws Exception {
        NodeHealthObserved failure = events.await(
                Duration.ofSeconds(30),
                AUTH,
                "pg-0",
                "an authentication failure",
                e -> !e.reachable() && e.errorClass() == ErrorClass.AUTHENTICATION);
        assertThat(failure.error()).contains("password authentication failed").doesNotContain("not-the-password");

        Path log = servers.primary.process().log();
        Wait.until(
                Duration.ofSeconds(30),
                "four failed logins of the monitor in pg-0's log",
                () -> failedLogins(log).size() >= 4);
        List<LocalDateTime> attempts = failedLogins(log);
        for (int i = 1; i < attempts.size(); i++) {
            Duration gap = Duration.between(attempts.get(i - 1), attempts.get(i));
            assertThat(gap)
                    .as("gap between failed logins %d and %d (all: %s)", i - 1, i, attempts)
                    .isGreaterThanOrEqualTo(AUTH_BACKOFF.minusMillis(100));
        }
        JsonNode nodes = json(monitorA.get("/api/v1/clusters/" + AUTH + "/nodes"));
        assertThat(node(nodes, "pg-0").get("error_class").asText()).isEqualTo("authentication");
        assertThat(node(nodes, "pg-0").get("next_probe_at").isNull()).isFalse();
        System.out.println("failed logins of the monitor, by pg-0's clock: " + attempts);
    }

    @Test
    @Order(3)
    void aStoppedMemberIsReportedUnreachableWithinTwoProbeIntervals() throws Exception {
        PostgresNode stopping = servers.replica2;
        Instant stopStarted = Instant.now();
        stopping.stop();
        Instant stopped = Instant.now();
        NodeHealthObserved down = events.await(
                Duration.ofSeconds(10),
                MAIN,
                "pg-2",
                "unreachable after the stop",
                e -> e.observedAt().isAfter(stopStarted) && !e.reachable());
        Duration detection = Duration.between(stopped, down.observedAt());
        System.out.printf(
                "pg-2 reported unreachable (%s: %s) %d ms after its stop returned%n",
                down.errorClass(), down.error(), detection.toMillis());
        assertThat(detection).isLessThanOrEqualTo(PROBE_INTERVAL.multipliedBy(2));
        assertThat(down.errorClass()).isIn(ErrorClass.CONNECTION_REFUSED, ErrorClass.OTHER);
        assertThat(down.role()).isEqualTo(NodeRole.UNKNOWN);

        stopping.start();
        Instant restarted = Instant.now();
        events.await(
                Duration.ofSeconds(20),
                MAIN,
                "pg-2",
                "reachable again after the restart",
                e -> e.observedAt().isAfter(restarted) && e.reachable() && e.role() == NodeRole.REPLICA);
    }

    @Test
    @Order(4)
    void anUnparseableTopologyRecordGoesToTheDeadLetterTopicAndProbingGoesOn() throws Exception {
        topics.sendRaw(
                Topics.TOPOLOGY.name(),
                "broken-cluster",
                "{not json".getBytes(StandardCharsets.UTF_8),
                "io.pgha.topology-changed.v1");
        List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        Wait.until(Duration.ofSeconds(30), "the broken record in pgha.topology.dlq", () -> {
            dead.clear();
            dead.addAll(topics.readToEnd(Topics.TOPOLOGY.deadLetterTopic()));
            return dead.stream().anyMatch(r -> "broken-cluster".equals(r.key()));
        });
        ConsumerRecord<String, byte[]> record = dead.stream()
                .filter(r -> "broken-cluster".equals(r.key()))
                .findFirst()
                .orElseThrow();
        assertThat(new String(record.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .contains("cannot parse the body of an io.pgha.topology-changed.v1 record");

        Instant afterDeadLetter = Instant.now();
        for (String member : List.of("pg-0", "pg-1", "pg-2")) {
            events.await(
                    Duration.ofSeconds(10),
                    MAIN,
                    member,
                    "still probed after the dead letter",
                    e -> e.observedAt().isAfter(afterDeadLetter) && e.reachable());
        }
        assertThat(json(monitorA.get("/api/v1/clusters")).get("clusters").toString())
                .doesNotContain("broken-cluster");
    }

    @Test
    @Order(5)
    void twoInstancesProbeEachClusterOnceAndOneTakesAllWhenTheOtherStops() throws Exception {
        topics.publish(servers.topology(SECOND));
        Set<String> all = Set.of(MAIN, SECOND, AUTH);
        Wait.until(Duration.ofSeconds(30), "monitor-a probing " + all, () -> clustersOf(monitorA)
                .equals(all));

        QuarkusService monitorB = monitor("monitor-b");
        Wait.until(Duration.ofSeconds(60), "the clusters split between monitor-a and monitor-b", () -> {
            Set<String> a = clustersOf(monitorA);
            Set<String> b = clustersOf(monitorB);
            Set<String> union = new HashSet<>(a);
            union.addAll(b);
            return !a.isEmpty() && !b.isEmpty() && union.equals(all) && a.size() + b.size() == all.size();
        });
        Instant split = Instant.now();
        System.out.printf("split: monitor-a %s, monitor-b %s%n", clustersOf(monitorA), clustersOf(monitorB));

        Instant windowStart = split.plusSeconds(1);
        Instant windowEnd = split.plusSeconds(5);
        Wait.until(Duration.ofSeconds(30), "events of every member observed 5 s after the split", () -> {
            for (String cluster : List.of(MAIN, SECOND)) {
                for (String member : List.of("pg-0", "pg-1", "pg-2")) {
                    if (events.of(cluster, member).stream()
                            .noneMatch(e -> e.observedAt().isAfter(windowEnd))) {
                        return false;
                    }
                }
            }
            return true;
        });
        Map<String, Set<String>> observers = events.all().stream()
                .filter(e -> e.observedAt().isAfter(windowStart))
                .collect(Collectors.groupingBy(
                        NodeHealthObserved::cluster,
                        Collectors.mapping(NodeHealthObserved::observer, Collectors.toSet())));
        System.out.println("observers per cluster after the split: " + observers);
        for (String cluster : List.of(MAIN, SECOND)) {
            assertThat(observers.get(cluster))
                    .as("instances probing %s", cluster)
                    .hasSize(1);
        }
        // The backed-off cluster's heartbeats repeat its last probe's time; at most one instance.
        assertThat(observers.getOrDefault(AUTH, Set.of())).hasSizeLessThanOrEqualTo(1);
        assertThat(observers.get(MAIN)).doesNotContainAnyElementsOf(observers.get(SECOND));
        String owned = clustersOf(monitorB).iterator().next();
        assertThat(monitorA.get("/api/v1/clusters/" + owned + "/nodes").statusCode())
                .isEqualTo(404);

        monitorB.stop();
        Instant stopped = Instant.now();
        Wait.until(Duration.ofSeconds(30), "monitor-a probing all clusters again", () -> clustersOf(monitorA)
                .equals(all));
        for (String cluster : List.of(MAIN, SECOND)) {
            events.await(
                    Duration.ofSeconds(15),
                    cluster,
                    "pg-0",
                    "probed by monitor-a after monitor-b stopped",
                    e -> e.observedAt().isAfter(stopped) && e.observer().equals("monitor-a"));
        }
        System.out.printf(
                "monitor-a took all clusters over %d ms after monitor-b stopped%n",
                Duration.between(stopped, Instant.now()).toMillis());
    }

    private static Set<String> clustersOf(QuarkusService monitor) throws Exception {
        Set<String> clusters = new HashSet<>();
        json(monitor.get("/api/v1/clusters")).get("clusters").forEach(c -> clusters.add(c.asText()));
        return clusters;
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode node(JsonNode nodes, String member) {
        for (JsonNode node : nodes.get("nodes")) {
            if (node.get("member").asText().equals(member)) {
                return node;
            }
        }
        throw new AssertionError("no member " + member + " in " + nodes);
    }

    /** When pg-0 logged a failed password login of the monitoring role, by its own clock. */
    private static List<LocalDateTime> failedLogins(Path log) throws IOException {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        String marker = "FATAL:  password authentication failed for user \"pgha_monitor\"";
        List<LocalDateTime> times = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.contains(marker) && line.length() > 23) {
                times.add(LocalDateTime.parse(line.substring(0, 23), format));
            }
        }
        return times;
    }
}
