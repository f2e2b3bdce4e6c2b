package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.LeaderKey;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.NetworkNamespace;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The primary's agent and PostgreSQL run in a network namespace; cutting the namespace off etcd
 * makes the agent demote its PostgreSQL before its lease (ttl 10 s) can expire. This cluster runs
 * with passwords from secret files (scram-sha-256 in pg_hba.conf), which must never be logged.
 */
class FencingIT {
    private static final Duration TTL = Duration.ofSeconds(10);
    private static final String SUPERUSER_PASSWORD = "su-Secret-17";
    private static final Map<String, String> PASSWORDS = Map.of(AgentNodes.SUPERUSER_PASSWORD, SUPERUSER_PASSWORD);

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void aPrimaryCutOffFromEtcdStopsAcceptingWritesWithinTtl() throws Exception {
        NetworkNamespace ns = infra.networkNamespace();
        EtcdCluster etcd = infra.etcd(1, ns);
        try (EtcdClusterStore store = AgentNodes.store(etcd.endpoints())) {
            Node primary = AgentNodes.start(infra, "node0", etcd.endpoints(ns.hostAddress()), ns, PASSWORDS);
            List<Node> nodes = new ArrayList<>(List.of(primary));
            try {
                Wait.until(
                        Duration.ofSeconds(60),
                        "node0 bootstraps as the primary",
                        () -> store.read()
                                        .leader()
                                        .map(LeaderKey::member)
                                        .filter("node0"::equals)
                                        .isPresent()
                                && primary.status("/primary") == 200);
                nodes.add(AgentNodes.start(infra, "node1", etcd.endpoints(), null, PASSWORDS));
                nodes.add(AgentNodes.start(infra, "node2", etcd.endpoints(), null, PASSWORDS));
                checkFencing(ns, store, primary, nodes);
            } catch (AssertionError | RuntimeException e) {
                AgentNodes.printPostgresLogs(nodes);
                throw e;
            }
        }
    }

    private static void checkFencing(NetworkNamespace ns, EtcdClusterStore store, Node primary, List<Node> nodes)
            throws Exception {
        assertThat(AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(60)))
                .isSameAs(primary);
        Node replica = nodes.get(1);
        assertThat(PostgresNode.canQuery(PostgresNode.jdbcUrl(replica.pgHost(), replica.pgPort())))
                .as("no connection without the password")
                .isFalse();
        assertThat(replica.query("SELECT count(*) FROM pg_stat_wal_receiver"
                        + " WHERE status = 'streaming' AND conninfo LIKE '%user=replicator%'"))
                .as("streams as the replication role")
                .isEqualTo(1L);

        assertThat(AgentNodes.psqlInside(ns, primary, "CREATE TABLE fenced (id int); INSERT INTO fenced VALUES (1)"))
                .as("writes work before the cut")
                .isTrue();
        assertThat(AgentNodes.curlInside(ns, primary, "/primary")).isEqualTo(200);

        long cut = System.nanoTime();
        ns.cut();
        try {
            Wait.until(
                    TTL,
                    "an INSERT on the cut-off primary fails",
                    () -> !AgentNodes.psqlInside(ns, primary, "INSERT INTO fenced VALUES (2)"));
            Duration left = TTL.minusNanos(System.nanoTime() - cut);
            System.out.println("FencingIT: writes failed " + TTL.minus(left).toMillis() + " ms after the cut");
            assertThat(left).as("time left of the ttl").isPositive();
            Wait.until(
                    left,
                    "/primary answers 503 inside the namespace",
                    () -> AgentNodes.curlInside(ns, primary, "/primary") == 503);
            Wait.until(
                    Duration.ofSeconds(30),
                    "the fenced PostgreSQL runs read-only",
                    () -> !AgentNodes.psqlInside(ns, primary, "INSERT INTO fenced VALUES (3)")
                            && AgentNodes.psqlInside(ns, primary, "SELECT 1/(pg_is_in_recovery())::int"));
        } finally {
            ns.restore();
        }
        for (Node n : nodes) {
            assertThat(Files.readString(n.agent().process().log()))
                    .as("the agent log of " + n.name() + " shows no password")
                    .doesNotContain(SUPERUSER_PASSWORD)
                    .doesNotContain(AgentNodes.REPLICATION_PASSWORD)
                    .doesNotContain(AgentNodes.MONITORING_PASSWORD);
        }
    }
}
