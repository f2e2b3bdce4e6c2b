package io.pgha.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.core.SyncSet;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.EtcdCluster;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Quorum commit ({@code synchronous_mode: quorum}, Patroni 4's) against real etcd, Kafka, three
 * PostgreSQL 15 with their agents and one coordinator: the primary applies {@code ANY 1 (a,b)}, a
 * writer records every acknowledged id, the primary's node is lost (kill -9 of agent and postmaster) or
 * frozen (SIGSTOP), or switched over (then failed over back, with a leader) through the API; a new
 * primary is writable within a deadline with every acknowledged id, and no two members ever acknowledged
 * commits at once. Each test starts from a healthy cluster and leaves one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuorumIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    @RegisterExtension
    static final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> QuorumIT.nodes);

    private static final String TOKEN = "quorum-it-token";
    private static final Duration HEALTHY = Duration.ofSeconds(120);
    /** The agents' ttl: the lost leader key expires after it. */
    private static final int TTL = 10;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static EtcdCluster etcd;
    private static EtcdClusterStore store;
    private static List<Node> nodes;
    private static QuarkusService coordinator;

    @BeforeAll
    static void startSuite() throws Exception {
        etcd = infra.etcd(1);
        KafkaBroker kafka = infra.kafka();
        store = AgentNodes.store(etcd.endpoints());
        nodes = AgentNodes.startAll(infra, List.of("node0", "node1", "node2"), etcd.endpoints());
        coordinator = infra.track(QuarkusService.builder(infra.workspace(), "coordinator-0", QuarkusService.ownJar())
                .property("pgha.etcd.endpoints", String.join(",", etcd.endpoints()))
                .property("pgha.coordinator.name", "coordinator-0")
                .property("pgha.coordinator.election-ttl", "4s")
                .property("pgha.api.token", TOKEN)
                .property("kafka.bootstrap.servers", kafka.bootstrapServers())
                .start());
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    @Order(1)
    void aLostPrimaryNodeIsReplacedByAVoterWithEveryAcknowledgedRow() throws Exception {
        Node old = quorumCluster();
        ConcurrentSkipListSet<Integer> acknowledged = new ConcurrentSkipListSet<>();
        AtomicBoolean stop = new AtomicBoolean();
        Node next;
        long lostAt;
        try (NodeFaults.WritableWatch watch = new NodeFaults.WritableWatch(nodes)) {
            Thread writer = NodeFaults.writer(old, acknowledged, stop);
            Wait.until(Duration.ofSeconds(15), "some acknowledged writes", () -> acknowledged.size() > 50);

            lostAt = System.nanoTime();
            NodeFaults.killAgentAndPostmaster(old);
            stop.set(true);
            writer.join(15_000);

            next = NodeFaults.awaitWritablePrimaryOtherThan(nodes, old, Duration.ofSeconds(TTL + 30));
            long writableMillis = (System.nanoTime() - lostAt) / 1_000_000;
            assertThat(NodeFaults.missingOn(next, "acked", acknowledged))
                    .as("acknowledged rows (of " + acknowledged.size() + ") missing on the new primary")
                    .isEmpty();
            watch.awaitAckFrom(next.name(), Duration.ofSeconds(10));
            watch.close();
            System.out.printf(
                    "quorum: %s writable %d ms after %s's node was lost; %d acknowledged rows; writers %s%n",
                    next.name(), writableMillis, old.name(), acknowledged.size(), watch.members());
            assertThat(watch.members())
                    .as("the members that acknowledged probes, in order: never two at once")
                    .containsExactly(old.name(), next.name());
            assertThat(store.read().history())
                    .hasValueSatisfying(h -> assertThat(h).contains("quorum failover"));
        } finally {
            if (!old.agent().process().isAlive()) {
                old.agent().start(); // the next test starts from three members
            }
        }
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        assertThat(primary.name()).isEqualTo(next.name());
    }

    @Test
    @Order(2)
    void aFrozenPrimaryNodeIsReplacedAndComesBackAsAReplicaOnceThawed() throws Exception {
        Node old = quorumCluster();
        // the first test moved the cluster to a new timeline; a restartpoint on one standby only puts
        // their last checkpoints on different timelines, which the failover must not read as different
        // histories (each standby reports the timeline it received, seen once in CI as a stalled failover)
        Node restarted = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        restarted.execute("CHECKPOINT");
        ConcurrentSkipListSet<Integer> acknowledged = new ConcurrentSkipListSet<>();
        AtomicBoolean stop = new AtomicBoolean();
        Node next;
        List<Long> frozen = null;
        try (NodeFaults.WritableWatch watch = new NodeFaults.WritableWatch(nodes)) {
            Thread writer = NodeFaults.writer(old, acknowledged, stop);
            Wait.until(Duration.ofSeconds(15), "some acknowledged writes", () -> acknowledged.size() > 50);
            long frozenAt = System.nanoTime();
            try {
                frozen = NodeFaults.freeze(old);
                next = NodeFaults.awaitWritablePrimaryOtherThan(nodes, old, Duration.ofSeconds(TTL + 30));
                long writableMillis = (System.nanoTime() - frozenAt) / 1_000_000;
                stop.set(true);
                System.out.printf(
                        "quorum: %s writable %d ms after %s's node froze; %d acknowledged rows%n",
                        next.name(), writableMillis, old.name(), acknowledged.size());
            } finally {
                stop.set(true);
                if (frozen != null) {
                    NodeFaults.thaw(old, frozen);
                }
            }
            writer.join(15_000);
            assertThat(NodeFaults.missingOn(next, "acked", acknowledged))
                    .as("acknowledged rows (of " + acknowledged.size() + ") missing on the new primary")
                    .isEmpty();

            Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
            watch.awaitAckFrom(next.name(), Duration.ofSeconds(10));
            watch.close();
            System.out.printf("quorum: after the thaw, writers %s%n", watch.members());
            assertThat(primary.name()).as("the primary once healthy").isEqualTo(next.name());
            assertThat(old.status("/replica"))
                    .as(old.name() + " is back as a replica")
                    .isEqualTo(200);
            assertThat(watch.members())
                    .as("the members that acknowledged probes, in order: never two at once")
                    .containsExactly(old.name(), next.name());
        }
        assertThat(NodeFaults.missingOn(next, "acked", acknowledged)).isEmpty();
    }

    @Test
    @Order(3)
    void aSwitchoverAndAFailoverWithALeaderHandOverToAVoterWithEveryAcknowledgedRow() throws Exception {
        Node old = quorumCluster();
        Node candidate = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        ConcurrentSkipListSet<Integer> acknowledged = new ConcurrentSkipListSet<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (NodeFaults.WritableWatch watch = new NodeFaults.WritableWatch(nodes)) {
            Thread writer = NodeFaults.writer(old, acknowledged, stop);
            Wait.until(Duration.ofSeconds(15), "some acknowledged writes", () -> acknowledged.size() > 50);
            long asked = System.nanoTime();
            HttpResponse<String> switchover = send(
                    "POST",
                    "/api/v1/clusters/" + AgentNodes.CLUSTER + "/switchover",
                    "{\"leader\":\"" + old.name() + "\",\"candidate\":\"" + candidate.name() + "\"}");
            long answeredMillis = (System.nanoTime() - asked) / 1_000_000;
            stop.set(true);
            writer.join(15_000);
            assertThat(switchover.statusCode()).as(switchover.body()).isEqualTo(200);
            assertThat(NodeFaults.missingOn(candidate, "acked", acknowledged))
                    .as("acknowledged rows (of " + acknowledged.size() + ") missing on the new primary")
                    .isEmpty();
            assertThat(store.read().leader().map(l -> l.member())).contains(candidate.name());
            JsonNode history = Json.MAPPER.readTree(store.read().history().orElse("[]"));
            assertThat(history.path(history.size() - 1).path(2).asText())
                    .as("the last history row (the earlier tests' rows are quorum failovers)")
                    .isEqualTo("switchover from " + old.name() + " to " + candidate.name());
            watch.awaitAckFrom(candidate.name(), Duration.ofSeconds(10));
            watch.close();
            System.out.printf(
                    "quorum: switchover %s -> %s answered in %d ms; %d acknowledged rows; writers %s%n",
                    old.name(), candidate.name(), answeredMillis, acknowledged.size(), watch.members());
            assertThat(watch.members())
                    .as("the members that acknowledged probes, in order: never two at once")
                    .containsExactly(old.name(), candidate.name());
        }
        // the old primary follows as a standby and becomes a voter again; a failover to it, with a leader,
        // is a handover too
        Wait.until(
                Duration.ofSeconds(60), old.name() + " a voter of " + candidate.name() + "'s /sync", () -> store.read()
                        .sync()
                        .map(SyncSet::fromJson)
                        .filter(s -> candidate.name().equals(s.leader()))
                        .map(s -> s.members().contains(old.name()))
                        .orElse(false));
        HttpResponse<String> failover = send(
                "POST",
                "/api/v1/clusters/" + AgentNodes.CLUSTER + "/failover",
                "{\"candidate\":\"" + old.name() + "\"}");
        assertThat(failover.statusCode()).as(failover.body()).isEqualTo(200);
        assertThat(store.read().leader().map(l -> l.member())).contains(old.name());
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        assertThat(primary.name()).isEqualTo(old.name());
        assertThat(NodeFaults.missingOn(old, "acked", acknowledged)).isEmpty();
        assertThat(candidate.status("/replica"))
                .as(candidate.name() + " is a replica again")
                .isEqualTo(200);
    }

    /**
     * A healthy cluster in quorum mode (synchronous_node_count 1): the primary applies {@code ANY 1} of
     * both standbys, {@code /sync} records them with k_r = 1, both answer {@code /quorum}; empty tables.
     */
    private static Node quorumCluster() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        HttpResponse<String> patch = send(
                "PATCH",
                "/api/v1/clusters/" + AgentNodes.CLUSTER + "/config",
                "{\"synchronous_mode\":\"quorum\",\"synchronous_node_count\":1}");
        assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
        Set<String> standbys = Set.copyOf(
                nodes.stream().filter(n -> n != primary).map(Node::name).toList());
        SyncSet expected = SyncSet.quorum(primary.name(), standbys, 1, standbys, 1);
        Wait.until(Duration.ofSeconds(60), "/sync " + expected.toJson() + ", applied by " + primary.name(), () -> {
            Optional<SyncSet> sync = store.read().sync().map(SyncSet::fromJson);
            String applied = String.valueOf(primary.query("SHOW synchronous_standby_names"));
            return sync.equals(Optional.of(expected)) && applied.equals(expected.standbyNames());
        });
        // each agent answers from its own last read of /sync (once a loop)
        Wait.until(
                Duration.ofSeconds(10), "/quorum 200 on the standbys and 503 on " + primary.name(), () -> nodes.stream()
                        .allMatch(n -> n.status("/quorum") == (n == primary ? 503 : 200)));
        // the voters' role as Patroni 4 names it, in the coordinator's status and in an agent's /cluster
        Wait.until(Duration.ofSeconds(15), "quorum_standby for " + standbys + " in the status API and /cluster", () -> {
            JsonNode status = Json.MAPPER.readTree(
                    send("GET", "/api/v1/clusters/" + AgentNodes.CLUSTER, null).body());
            JsonNode cluster =
                    Json.MAPPER.readTree(primary.agent().get("/cluster").body());
            return standbys.equals(roles(status, "quorum_standby"))
                    && standbys.equals(roles(cluster, "quorum_standby"));
        });
        primary.execute("DROP TABLE IF EXISTS acked; DROP TABLE IF EXISTS probe;"
                + " CREATE TABLE acked (id int PRIMARY KEY); CREATE TABLE probe (member text, at timestamptz)");
        return primary;
    }

    /** The names of the {@code members[]} of {@code body} whose role is {@code role}. */
    private static Set<String> roles(JsonNode body, String role) {
        Set<String> names = new java.util.TreeSet<>();
        body.path("members").forEach(m -> {
            if (role.equals(m.path("role").asText())) {
                names.add(m.path("name").asText());
            }
        });
        return names;
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(coordinator.uri(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        b.header("Authorization", "Bearer " + TOKEN);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
