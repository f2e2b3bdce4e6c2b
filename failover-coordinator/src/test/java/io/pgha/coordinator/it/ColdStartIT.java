package io.pgha.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.store.EtcdClusterStore;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.EtcdCluster;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A cluster whose every node was stopped starts again by itself (issue 13): real etcd, Kafka, three
 * PostgreSQL 15 with their agents and one coordinator, which keeps running while the nodes stop (as
 * when every database node loses power). Before the cold-start rule the coordinator excluded every
 * member ("it was not streaming from the last leader") and nobody was ever promoted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ColdStartIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    @RegisterExtension
    static final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> ColdStartIT.nodes);

    private static final Duration HEALTHY = Duration.ofSeconds(90);
    /** The coordinator's pgha.coordinator.cold-start-wait here (default 30 s). */
    private static final Duration COLD_START_WAIT = Duration.ofSeconds(15);

    private static EtcdCluster etcd;
    private static EtcdClusterStore store;
    private static List<Node> nodes;

    @BeforeAll
    static void startSuite() throws Exception {
        etcd = infra.etcd(1);
        KafkaBroker kafka = infra.kafka();
        store = AgentNodes.store(etcd.endpoints());
        nodes = AgentNodes.startAll(infra, List.of("node0", "node1", "node2"), etcd.endpoints());
        infra.track(QuarkusService.builder(infra.workspace(), "coordinator", QuarkusService.ownJar())
                .property("pgha.etcd.endpoints", String.join(",", etcd.endpoints()))
                .property("pgha.coordinator.name", "coordinator")
                .property("pgha.coordinator.election-ttl", "4s")
                .property("pgha.coordinator.cold-start-wait", COLD_START_WAIT.toSeconds() + "s")
                .property("pgha.api.token", "cold-start-it")
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
    void afterEveryNodeStoppedTheLastLeaderLeadsAgainWithEveryRowStartedInAnotherOrder() throws Exception {
        Node leader = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        leader.execute("CREATE TABLE cold (id int)");
        leader.execute("INSERT INTO cold VALUES (1)");
        awaitRowOnEveryReplica(leader, 1);

        stopAllReplicasFirst(leader);
        // the last leader comes back last: the others wait for it (cold-start-wait) instead of winning
        for (Node n : reversed(leader)) {
            n.agent().start();
        }
        long started = System.nanoTime();
        Node again = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        System.out.printf(
                "cold start: %s leads again %d ms after the last agent started%n",
                again.name(), (System.nanoTime() - started) / 1_000_000);
        assertThat(again.name())
                .as("the most advanced member, the last leader among equals")
                .isEqualTo(leader.name());
        assertThat(again.query("SELECT count(*) FROM cold WHERE id = 1")).isEqualTo(1L);
        again.execute("INSERT INTO cold VALUES (2)");
    }

    @Test
    @Order(2)
    void withTheLastLeadersNodeMissingAnotherMemberLeadsAfterTheWaitAndLosesNoRow() throws Exception {
        Node leader = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        leader.execute("INSERT INTO cold VALUES (3)");
        awaitRowOnEveryReplica(leader, 3);

        stopAllReplicasFirst(leader);
        List<Node> others = nodes.stream().filter(n -> n != leader).toList();
        for (Node n : others) {
            n.agent().start();
        }
        long started = System.nanoTime();
        Node[] next = new Node[1];
        Wait.until(Duration.ofSeconds(60), "a primary among " + names(others), () -> {
            String name = store.read().leader().map(l -> l.member()).orElse(null);
            if (name == null || name.equals(leader.name())) {
                return false;
            }
            Node n = AgentNodes.byName(nodes, name);
            if (n.status("/primary") != 200) {
                return false;
            }
            next[0] = n;
            return true;
        });
        long waited = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("cold start without %s: %s leads after %d ms%n", leader.name(), next[0].name(), waited);
        assertThat(Duration.ofMillis(waited))
                .as("it waited for the last leader first")
                .isGreaterThanOrEqualTo(COLD_START_WAIT.minusSeconds(2));
        assertThat(next[0].query("SELECT count(*) FROM cold WHERE id IN (1, 2, 3)"))
                .isEqualTo(3L);

        leader.agent().start(); // the old leader rejoins as a replica
        Node healthy = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        assertThat(healthy.name()).isEqualTo(next[0].name());
    }

    /** Replicas first, so that no failover happens while the nodes go down; then the leader. */
    private static void stopAllReplicasFirst(Node leader) {
        nodes.stream().filter(n -> n != leader).forEach(n -> n.agent().stop());
        leader.agent().stop();
        Wait.until(Duration.ofSeconds(30), "every member key gone", () -> store.read()
                .members()
                .isEmpty());
    }

    private static List<Node> reversed(Node last) {
        List<Node> order =
                new java.util.ArrayList<>(nodes.stream().filter(n -> n != last).toList());
        java.util.Collections.reverse(order);
        order.add(last);
        return order;
    }

    private static void awaitRowOnEveryReplica(Node leader, int id) {
        for (Node n : nodes) {
            if (n != leader) {
                Wait.until(
                        Duration.ofSeconds(20),
                        "row " + id + " on " + n.name(),
                        () -> ((Number) n.query("SELECT count(*) FROM cold WHERE id = " + id)).intValue() == 1);
            }
        }
    }

    private static List<String> names(List<Node> list) {
        return list.stream().map(Node::name).toList();
    }
}
