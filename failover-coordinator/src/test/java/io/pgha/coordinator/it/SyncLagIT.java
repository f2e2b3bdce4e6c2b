package io.pgha.coordinator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.core.SyncSet;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.Commands;
import io.pgha.local.EtcdCluster;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.Signal;
import io.pgha.local.Wait;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * {@code maximum_lag_on_syncnode} against real etcd, Kafka, three PostgreSQL 15 with their agents and
 * one coordinator: the synchronous standby's WAL receiver is stopped (SIGSTOP) while WAL keeps coming,
 * it is swapped for the other standby within a deadline, commits go on, and after a kill -9 of the
 * primary the standby that took its place is promoted with every acknowledged row.
 */
class SyncLagIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    @RegisterExtension
    static final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> SyncLagIT.nodes);

    private static final String TOKEN = "sync-lag-it-token";
    private static final Duration HEALTHY = Duration.ofSeconds(90);
    private static final int TTL = 10;
    private static final long MAX_LAG = 1L << 20;
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
    void aLaggingSyncStandbyIsSwappedOutAndNoAcknowledgedCommitIsLost() throws Exception {
        Node old = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        String path = "/api/v1/clusters/" + AgentNodes.CLUSTER;
        HttpResponse<String> patch = send(
                "PATCH", path + "/config", "{\"synchronous_mode\":true,\"maximum_lag_on_syncnode\":" + MAX_LAG + "}");
        assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
        String lagging = awaitPromotable(old, null, Duration.ofSeconds(30));
        Node slow = AgentNodes.byName(nodes, lagging);
        Node other =
                nodes.stream().filter(n -> n != old && n != slow).findFirst().orElseThrow();

        old.execute("CREATE TABLE IF NOT EXISTS acked (id int PRIMARY KEY)");
        old.execute("CREATE TABLE IF NOT EXISTS ballast (b text)");
        ConcurrentSkipListSet<Integer> acknowledged = new ConcurrentSkipListSet<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> write(old, acknowledged, stop), "writer");
        writer.start();
        Wait.until(Duration.ofSeconds(10), "some acknowledged writes", () -> acknowledged.size() > 50);

        long walReceiver = ((Number) slow.query("SELECT pid FROM pg_stat_wal_receiver")).longValue();
        Thread ballast = null;
        boolean resumed = false;
        try {
            signal("STOP", walReceiver);
            long stoppedAt = System.nanoTime();
            // WAL the primary does not wait for any standby for, so the stopped one falls behind
            ballast = new Thread(() -> ballast(old, stop), "ballast");
            ballast.start();
            awaitPromotable(old, other.name(), Duration.ofSeconds(45));
            long swapMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
            System.out.printf(
                    "%s swapped for %s %d ms after its WAL receiver stopped%n", lagging, other.name(), swapMillis);
            int ackedAtSwap = acknowledged.size();
            Wait.until(
                    Duration.ofSeconds(20),
                    "commits acknowledged again (now by " + other.name() + ")",
                    () -> acknowledged.size() > ackedAtSwap + 50);

            killAgentAndPostmaster(old);
            stop.set(true);
            writer.join(30_000);
            ballast.join(30_000);
            // the new primary waits for a standby from its first commit: let the stopped one stream again
            signal("CONT", walReceiver);
            resumed = true;

            Node next = awaitWritablePrimaryOtherThan(old, Duration.ofSeconds(TTL + 30));
            assertThat(next.name()).as("the promoted member").isEqualTo(other.name());
            List<Integer> missing = new ArrayList<>();
            for (int id : acknowledged) {
                if (!Boolean.TRUE.equals(next.query("SELECT EXISTS (SELECT 1 FROM acked WHERE id = " + id + ")"))) {
                    missing.add(id);
                }
            }
            assertThat(missing)
                    .as("acknowledged rows (of " + acknowledged.size() + ") missing on the new primary")
                    .isEmpty();
        } finally {
            stop.set(true);
            if (!resumed) {
                signal("CONT", walReceiver);
            }
        }
    }

    /** Waits until {@code /sync} has one promotable member ({@code expected}, or any) the primary applies. */
    private static String awaitPromotable(Node primary, String expected, Duration timeout) {
        String[] sync = new String[1];
        String what = expected == null ? "one promotable sync standby" : expected + " the only promotable standby";
        Wait.until(timeout, what + ", applied by the primary", () -> {
            JsonNode s = Json.MAPPER
                    .readTree(send("GET", "/api/v1/clusters/" + AgentNodes.CLUSTER, null)
                            .body())
                    .path("synchronous");
            if (s.path("promotable").size() != 1) {
                return false;
            }
            String name = s.path("promotable").get(0).asText();
            if (expected != null && !expected.equals(name)) {
                return false;
            }
            sync[0] = name;
            String applied = String.valueOf(primary.query("SHOW synchronous_standby_names"));
            return SyncSet.namesIn(applied).equals(java.util.Set.of(name));
        });
        return sync[0];
    }

    /** Inserts ids one by one with synchronous_commit on; records each whose commit returned. */
    private static void write(Node primary, ConcurrentSkipListSet<Integer> acknowledged, AtomicBoolean stop) {
        int id = 0;
        while (!stop.get()) {
            try (Connection c = DriverManager.getConnection(primary.jdbcUrl() + "&socketTimeout=60&connectTimeout=2");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO acked VALUES (?)")) {
                while (!stop.get()) {
                    insert.setInt(1, ++id);
                    insert.executeUpdate();
                    acknowledged.add(id);
                }
            } catch (Exception e) {
                // not acknowledged: the next attempt uses a new id
            }
        }
    }

    /** About 1 MB of WAL per statement, committed without waiting for any standby, paced by the server. */
    private static void ballast(Node primary, AtomicBoolean stop) {
        try (Connection c = DriverManager.getConnection(primary.jdbcUrl() + "&socketTimeout=30");
                Statement st = c.createStatement()) {
            st.execute("SET synchronous_commit = local");
            while (!stop.get()) {
                st.execute("INSERT INTO ballast SELECT repeat(md5(g::text), 32) FROM generate_series(1, 1000) g;"
                        + " SELECT pg_sleep(0.2)");
            }
        } catch (Exception e) {
            // the primary was killed
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Commands.run(List.of("kill", "-s", signal, Long.toString(pid)), Duration.ofSeconds(5))
                .orThrow();
    }

    private static void killAgentAndPostmaster(Node node) throws Exception {
        long postmaster = node.postmasterPid();
        node.agent().process().signal(Signal.KILL);
        signal("KILL", postmaster);
        Wait.until(
                Duration.ofSeconds(10),
                node.name() + " gone",
                () -> !node.agent().process().isAlive() && !io.pgha.local.LocalProcess.isAlive(postmaster));
    }

    private static Node awaitWritablePrimaryOtherThan(Node old, Duration timeout) {
        Node[] found = new Node[1];
        Wait.until(timeout, "a writable primary other than " + old.name(), () -> {
            for (Node n : nodes) {
                if (n == old) {
                    continue;
                }
                try (Connection c = DriverManager.getConnection(n.jdbcUrl() + "&socketTimeout=10");
                        Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE IF NOT EXISTS probe (at timestamptz); INSERT INTO probe VALUES (now())");
                    found[0] = n;
                    return true;
                } catch (Exception e) {
                    // read-only, down or not yet acknowledged by a standby: not this one yet
                }
            }
            return false;
        });
        return found[0];
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
