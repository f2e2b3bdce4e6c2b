package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.pgha.core.EtcdLayout;
import io.pgha.core.MemberStatus;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.LeaderKey;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.Commands;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.PrometheusText;
import io.pgha.local.Signal;
import io.pgha.local.Wait;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Three agents, each with its own PostgreSQL, on one etcd: shared by the tests of this class, each of
 * which first waits for a healthy cluster (one primary, two streaming replicas) and finds the roles.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    @RegisterExtension
    static final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> ClusterIT.nodes);

    private static final Duration HEALTHY = Duration.ofSeconds(60);
    private static EtcdCluster etcd;
    private static EtcdClusterStore store;
    private static List<Node> nodes;
    private static long startedNanos;

    @BeforeAll
    static void startCluster() throws Exception {
        etcd = infra.etcd(1);
        store = AgentNodes.store(etcd.endpoints());
        startedNanos = System.nanoTime();
        nodes = AgentNodes.startAll(
                infra,
                List.of("node0", "node1", "node2"),
                etcd.endpoints(),
                // logical decoding for the permanent logical slot (test_decoding is in postgresql-15's contrib)
                Map.of("pgha.tags.custom.rack", "r1", "pgha.postgres.parameters.wal_level", "logical"));
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    @Order(1)
    void threeAgentsFormOnePrimaryAndTwoStreamingReplicas() throws Exception {
        long left = Duration.ofSeconds(30).toNanos() - (System.nanoTime() - startedNanos);
        Node primary = AgentNodes.awaitHealthy(nodes, store, Duration.ofNanos(Math.max(left, 1)));
        ClusterSnapshot snapshot = store.read();
        assertThat(snapshot.leader().map(LeaderKey::member)).contains(primary.name());
        assertThat(snapshot.members().keySet()).containsExactlyInAnyOrder("node0", "node1", "node2");
        assertThat(snapshot.initialize())
                .contains(String.valueOf(primary.query("SELECT system_identifier::text FROM pg_control_system()")));
        // the leader key and the member key are bound to the agent's own lease
        assertThat(snapshot.leader().orElseThrow().lease())
                .isEqualTo(snapshot.member(primary.name()).orElseThrow().lease())
                .isNotZero();

        io.pgha.core.MemberStatus leaderStatus =
                snapshot.member(primary.name()).orElseThrow().status();
        assertThat(leaderStatus.role()).isEqualTo(MemberStatus.Role.PRIMARY);
        assertThat(leaderStatus.state()).isEqualTo("running");
        assertThat(leaderStatus.timeline()).isEqualTo(1);
        assertThat(leaderStatus.connUrl()).isEqualTo("postgres://127.0.0.1:" + primary.pgPort() + "/postgres");
        assertThat(leaderStatus.apiUrl())
                .isEqualTo(primary.agent().uri("/patroni").toString());
        assertThat(leaderStatus.xlogLocation()).isNotNull();
        assertThat(leaderStatus.tags()).containsKeys("nofailover", "failover_priority", "noloadbalance", "nosync");
        for (Node n : nodes) {
            if (n != primary) {
                io.pgha.core.MemberStatus status =
                        snapshot.member(n.name()).orElseThrow().status();
                assertThat(status.role()).isEqualTo(MemberStatus.Role.REPLICA);
                assertThat(status.receiveLsn()).isNotNull();
                assertThat(status.replayLsn()).isNotNull();
            }
        }

        assertThat(primary.query("SHOW data_checksums")).isEqualTo("on");
        assertThat(primary.query("SELECT string_agg(application_name, ',' ORDER BY application_name)"
                        + " FROM pg_stat_replication"))
                .isEqualTo(String.join(
                        ",",
                        nodes.stream()
                                .filter(n -> n != primary)
                                .map(Node::name)
                                .sorted()
                                .toList()));
        assertThat(primary.query("SELECT count(*) FROM pg_replication_slots WHERE active"))
                .isEqualTo(2L);
        assertThat(primary.query("SELECT rolreplication FROM pg_roles WHERE rolname = 'replicator'"))
                .isEqualTo(true);
        assertThat(primary.query("SELECT pg_has_role('pgha_monitor', 'pg_monitor', 'member')"))
                .isEqualTo(true);
        assertThat(primary.query("SELECT rolsuper FROM pg_roles WHERE rolname = 'pgha_monitor'"))
                .isEqualTo(false);

        JsonNode p = primary.patroni();
        assertThat(p.path("state").asText()).isEqualTo("running");
        assertThat(p.path("role").asText()).isEqualTo("primary");
        assertThat(p.path("server_version").asInt()).isGreaterThanOrEqualTo(150000);
        assertThat(p.path("xlog").path("location").asLong()).isPositive();
        assertThat(p.path("timeline").asInt()).isEqualTo(1);
        assertThat(p.path("replication")).hasSize(2);
        assertThat(p.path("replication").get(0).path("state").asText()).isEqualTo("streaming");
        assertThat(p.path("pause").asBoolean(true)).isFalse();
        assertThat(p.path("cluster_unlocked").asBoolean(true)).isFalse();
        assertThat(p.path("dcs_last_seen").asLong()).isPositive();
        assertThat(p.path("tags").path("nofailover").isBoolean()).isTrue();
        assertThat(p.path("database_system_identifier").asText())
                .isEqualTo(snapshot.initialize().orElseThrow());
        assertThat(p.path("patroni").path("scope").asText()).isEqualTo(AgentNodes.CLUSTER);
        assertThat(p.path("patroni").path("name").asText()).isEqualTo(primary.name());
        assertThat(p.path("patroni").path("version").asText()).isNotBlank();

        for (Node n : nodes) {
            if (n == primary) {
                continue;
            }
            assertThat(n.status("/primary")).isEqualTo(503);
            assertThat(n.status("/replica")).isEqualTo(200);
            JsonNode r = n.patroni();
            assertThat(r.path("role").asText()).isEqualTo("replica");
            assertThat(r.path("replication_state").asText()).isEqualTo("streaming");
            assertThat(r.path("xlog").path("received_location").asLong()).isPositive();
            assertThat(r.path("xlog").has("replayed_location")).isTrue();
            assertThat(r.path("xlog").path("paused").asBoolean(true)).isFalse();
            assertThat(r.path("timeline").asInt()).isEqualTo(1);
            assertThat(r.path("cluster_unlocked").asBoolean(true)).isFalse();
            assertThat(r.path("database_system_identifier").asText())
                    .isEqualTo(snapshot.initialize().orElseThrow());
        }
        assertThat(primary.status("/replica")).isEqualTo(503);
        assertThat(primary.status("/leader")).isEqualTo(200);

        Wait.until(Duration.ofSeconds(10), "on_start callbacks", () -> nodes.stream()
                .allMatch(n -> AgentNodes.callbacks(n)
                        .contains("on_start " + (n == primary ? "primary" : "replica") + " " + AgentNodes.CLUSTER)));

        primary.execute("CREATE TABLE IF NOT EXISTS formation (id int)");
        primary.execute("INSERT INTO formation VALUES (1)");
        for (Node n : nodes) {
            Wait.until(Duration.ofSeconds(15), "row replicated to " + n.name(), () -> Long.valueOf(1)
                    .equals(n.query("SELECT count(*) FROM formation")));
        }
    }

    @Test
    @Order(2)
    void restApiChecksQueryAndTokenAndServesMetrics() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Node replica = nodes.stream().filter(n -> n != primary).findFirst().orElseThrow();

        HttpResponse<String> bad = replica.send("GET", "/replica?lag=abc", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("lag").contains("'abc' is not a size");
        assertThat(replica.status("/replica?lag=16MB")).isEqualTo(200);
        assertThat(replica.status("/replica?lag=1048576")).isEqualTo(200);
        assertThat(replica.status("/replica?tag_nofailover=false")).isEqualTo(200);
        assertThat(replica.status("/replica?tag_nofailover=true")).isEqualTo(503);
        // a user tag (pgha.tags.custom.rack=r1) filters replica checks and is ignored on the primary's
        assertThat(replica.status("/replica?tag_rack=r1")).isEqualTo(200);
        assertThat(replica.status("/replica?tag_rack=r2")).isEqualTo(503);
        assertThat(replica.status("/replica?replication_state=streaming&tag_rack=r1"))
                .isEqualTo(200);
        assertThat(primary.status("/primary?tag_rack=r2")).isEqualTo(200);
        assertThat(primary.status("/leader?tag_rack=r2")).isEqualTo(200);
        assertThat(primary.status("/read-only?lag=0")).isEqualTo(200);
        assertThat(primary.status("/read-only-sync")).isEqualTo(200);
        assertThat(replica.status("/standby_leader")).isEqualTo(503);
        assertThat(replica.status("/readiness?lag=16MB&mode=write")).isEqualTo(200);
        assertThat(replica.send("GET", "/readiness?mode=flush", null).statusCode())
                .isEqualTo(400);
        JsonNode cluster = new ObjectMapper()
                .readTree(replica.send("GET", "/cluster", null).body());
        assertThat(cluster.path("scope").asText()).isEqualTo(AgentNodes.CLUSTER);
        assertThat(cluster.path("members")).hasSize(3);
        assertThat(cluster.path("members").findValuesAsText("role")).containsOnlyOnce("leader");
        assertThat(cluster.path("members").get(0).path("tags").path("rack").asText())
                .isEqualTo("r1");
        assertThat(replica.send("GET", "/config", null).statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper()
                        .readTree(replica.send("GET", "/history", null).body())
                        .isArray())
                .isTrue();
        assertThat(replica.status("/read-only")).isEqualTo(200);
        assertThat(replica.status("/async")).isEqualTo(200);
        assertThat(replica.status("/sync")).isEqualTo(503);

        for (String method : List.of("GET", "HEAD", "OPTIONS")) {
            for (String path : List.of("/", "/primary", "/master", "/read-write")) {
                assertThat(primary.status(method, path)).as(method + " " + path).isEqualTo(200);
                assertThat(replica.status(method, path)).as(method + " " + path).isEqualTo(503);
            }
        }
        for (String path : List.of("/health", "/liveness", "/readiness", "/read-only")) {
            assertThat(primary.status(path)).as(path).isEqualTo(200);
            assertThat(replica.status(path)).as(path).isEqualTo(200);
        }

        HttpResponse<String> noToken = replica.send("POST", "/reload", null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(replica.send("POST", "/restart", "wrong").statusCode()).isEqualTo(401);
        assertThat(replica.send("POST", "/reinitialize", null).statusCode()).isEqualTo(401);
        HttpResponse<String> reload = replica.send("POST", "/reload", AgentNodes.TOKEN);
        assertThat(reload.statusCode()).as("Patroni's answer to a reload").isEqualTo(202);
        assertThat(reload.body()).contains("reload scheduled");

        Object started = replica.query("SELECT pg_postmaster_start_time()::text");
        assertThat(replica.send("POST", "/restart", AgentNodes.TOKEN).statusCode())
                .isEqualTo(200);
        Wait.until(
                Duration.ofSeconds(30),
                replica.name() + " restarted and streaming",
                () -> !started.equals(replica.query("SELECT pg_postmaster_start_time()::text"))
                        && "streaming".equals(replica.query("SELECT status FROM pg_stat_wal_receiver")));

        primary.execute("CREATE TABLE IF NOT EXISTS reinit (id int)");
        replica.execute("SELECT 1");
        assertThat(primary.send("POST", "/reinitialize", AgentNodes.TOKEN).statusCode())
                .as("the primary refuses to be reinitialized")
                .isEqualTo(503);
        assertThat(replica.send("POST", "/reinitialize", AgentNodes.TOKEN).statusCode())
                .isEqualTo(200);
        primary.execute("INSERT INTO reinit VALUES (1)");
        Wait.until(
                Duration.ofSeconds(30),
                replica.name() + " re-cloned and streaming",
                () -> "streaming".equals(replica.query("SELECT status FROM pg_stat_wal_receiver"))
                        && Long.valueOf(1).equals(replica.query("SELECT count(*) FROM reinit")));

        assertThat(primary.agent().get("/metrics").body()).contains("pgha_role_primary 1.0");
        assertThat(replica.agent().get("/q/metrics").body())
                .contains("pgha_role_primary 0.0")
                .contains("pgha_lease_renewal_age_seconds")
                .contains("jvm_memory_used_bytes");
        HttpResponse<String> health = replica.agent().get("/q/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\": \"UP\"");
    }

    @Test
    @Order(2)
    void metricsServePatronisNamesForThePrimaryAndAReplica() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Node replica = nodes.stream().filter(n -> n != primary).findFirst().orElseThrow();
        long timeline = primary.patroni().path("timeline").asLong();
        Map<String, String> onPrimary = Map.of("scope", AgentNodes.CLUSTER, "name", primary.name());
        Map<String, String> onReplica = Map.of("scope", AgentNodes.CLUSTER, "name", replica.name());

        Wait.until(Duration.ofSeconds(15), "Patroni's metrics on the primary and a streaming replica", () -> {
            String p = primary.agent().get("/metrics").body();
            String r = replica.agent().get("/metrics").body();
            expect(p, "patroni_primary", onPrimary, v -> v == 1);
            expect(p, "patroni_replica", onPrimary, v -> v == 0);
            expect(p, "patroni_xlog_location", onPrimary, v -> v > 0);
            expect(p, "patroni_postgres_timeline", onPrimary, v -> v == timeline);
            expect(p, "patroni_cluster_unlocked", onPrimary, v -> v == 0);
            expect(r, "patroni_primary", onReplica, v -> v == 0);
            expect(r, "patroni_replica", onReplica, v -> v == 1);
            expect(r, "patroni_xlog_location", onReplica, v -> v == 0);
            expect(r, "patroni_xlog_received_location", onReplica, v -> v > 0);
            expect(r, "patroni_postgres_streaming", onReplica, v -> v == 1);
            expect(r, "patroni_postgres_timeline", onReplica, v -> v == timeline);
            return true;
        });
        String text = primary.agent().get("/metrics").body();
        assertThat(text)
                .contains("# TYPE patroni_xlog_location counter")
                .contains("patroni_postgres_running{scope=\"" + AgentNodes.CLUSTER + "\",name=\"" + primary.name()
                        + "\"} 1")
                .as("Micrometer's metrics stay on /metrics after Patroni's")
                .contains("pgha_role_primary 1.0")
                .contains("jvm_memory_used_bytes");
        assertThat(metric(text, "patroni_postgres_server_version", onPrimary)).isGreaterThanOrEqualTo(150000);
        assertThat(metric(text, "patroni_dcs_last_seen", onPrimary)).isPositive();
        assertThat(replica.agent().get("/q/metrics").body())
                .as("/q/metrics is Micrometer's alone")
                .contains("pgha_role_primary 0.0")
                .doesNotContain("patroni_primary");
    }

    private static double metric(String text, String name, Map<String, String> labels) {
        return PrometheusText.value(text, name, labels)
                .orElseThrow(() -> new IllegalStateException("no " + name + labels + " in\n" + text));
    }

    /** Throws (for Wait: not yet) naming the metric and its value unless the value passes. */
    private static void expect(String text, String name, Map<String, String> labels, DoublePredicate wanted) {
        double value = metric(text, name, labels);
        if (!wanted.test(value)) {
            throw new IllegalStateException(name + labels + " is " + value);
        }
    }

    /**
     * Issue 19: HAProxy configured as Patroni's documentation does (its haproxy.cfg: {@code option
     * httpchk}, i.e. {@code OPTIONS /}, {@code http-check expect status 200}, {@code check port} on the
     * REST API; and {@code OPTIONS /replica} for the replicas, as in its REST API docs), only with
     * loopback addresses and this cluster's ports, routes to pgha's agents unchanged.
     */
    @Test
    @Order(5)
    void haproxyConfiguredAsInPatronisDocumentationRoutesToThePrimaryAndTheReplicas() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        int readWrite = io.pgha.local.Ports.free();
        int readOnly = io.pgha.local.Ports.free();
        StringBuilder servers = new StringBuilder();
        for (Node n : nodes) {
            servers.append("    server postgresql_%s_%d %s:%d maxconn 100 check port %d\n"
                    .formatted(
                            n.pgHost(),
                            n.pgPort(),
                            n.pgHost(),
                            n.pgPort(),
                            n.agent().uri("/").getPort()));
        }
        String config =
                """
                global
                    maxconn 100

                defaults
                    mode tcp
                    retries 2
                    timeout client 30m
                    timeout connect 4s
                    timeout server 30m
                    timeout check 5s

                listen batman
                    bind 127.0.0.1:%d
                    option httpchk
                    http-check expect status 200
                    default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions
                %s
                listen batman_replicas
                    bind 127.0.0.1:%d
                    option httpchk OPTIONS /replica
                    http-check expect status 200
                    default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions
                %s"""
                        .formatted(readWrite, servers, readOnly, servers);
        infra.haproxy(config);
        String sql = "SELECT current_setting('cluster_name') || ' ' || pg_is_in_recovery()";
        Wait.until(
                Duration.ofSeconds(30),
                "the read-write port reaches the primary " + primary.name(),
                () -> (primary.name() + " false").equals(viaPort(readWrite, primary.password(), sql)));
        Wait.until(Duration.ofSeconds(30), "the read-only port reaches a replica", () -> String.valueOf(
                        viaPort(readOnly, primary.password(), sql))
                .endsWith(" true"));
    }

    /** One value from a new connection through {@code port} on loopback, or null when it fails. */
    private static Object viaPort(int port, String password, String sql) {
        String url = io.pgha.local.PostgresNode.jdbcUrl("127.0.0.1", port);
        try {
            return io.pgha.local.PostgresNode.queryValue(password == null ? url : url + "&password=" + password, sql);
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    @Test
    @Order(3)
    void invalidSettingStopsTheAgentNamingTheProperty() {
        assertThatThrownBy(
                        () -> AgentNodes.start(infra, "bad", etcd.endpoints(), null, Map.of("pgha.dcs.loop-wait", "5")))
                .hasMessageContaining("pgha.dcs.loop-wait")
                .hasMessageContaining("loop_wait=5")
                .hasMessageContaining("ttl=10");
    }

    @Test
    @Order(4)
    void aSecondAgentWithALiveMembersNameIsRefused() throws Exception {
        AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        assertThatThrownBy(() -> AgentNodes.start(infra, "node1", "node1-twin", etcd.endpoints(), null, Map.of()))
                .hasMessageContaining("member name 'node1' is already in use");
        AgentNodes.awaitHealthy(nodes, store, HEALTHY);
    }

    @Test
    @Order(6)
    void aKilledPrimaryPostmasterIsRestartedInPlace() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        LeaderKey before = store.read().leader().orElseThrow();
        Object timeline = primary.patroni().path("timeline").asInt();
        long pid = primary.postmasterPid();

        Commands.run(List.of("kill", "-s", Signal.KILL.name(), Long.toString(pid)), Duration.ofSeconds(5))
                .orThrow();

        Wait.until(Duration.ofSeconds(30), "a new postmaster on " + primary.name(), () -> {
            long now = primary.postmasterPid();
            return now != pid && Boolean.FALSE.equals(primary.query("SELECT pg_is_in_recovery()"));
        });
        Node after = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        assertThat(after).isSameAs(primary);
        LeaderKey leader = store.read().leader().orElseThrow();
        assertThat(leader.member()).isEqualTo(before.member());
        assertThat(leader.lease()).isEqualTo(before.lease());
        assertThat(primary.patroni().path("timeline").asInt()).isEqualTo(timeline);
    }

    @Test
    @Order(7)
    void leaderKeyForAReplicaPromotesItAndTheOldPrimaryIsRewound() throws Exception {
        Node old = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        List<Node> replicas = nodes.stream().filter(n -> n != old).toList();
        Node next = replicas.get(0);
        Node other = replicas.get(1);
        old.execute("CREATE TABLE IF NOT EXISTS handover (id int PRIMARY KEY, note text)");
        old.execute("INSERT INTO handover VALUES (1, 'before')");
        for (Node n : replicas) {
            Wait.until(Duration.ofSeconds(15), "row 1 on " + n.name(), () -> Long.valueOf(1)
                    .equals(n.query("SELECT count(*) FROM handover")));
        }
        int oldTimeline = old.patroni().path("timeline").asInt();

        // Freeze the old primary's agent (its PostgreSQL keeps running and accepting writes).
        old.agent().process().signal(Signal.STOP);
        try {
            writeLeaderKey(old.name(), next.name());
            Wait.until(
                    Duration.ofSeconds(30),
                    next.name() + " promoted",
                    () -> Boolean.FALSE.equals(next.query("SELECT pg_is_in_recovery()")));
            Wait.until(Duration.ofSeconds(30), other.name() + " streams from " + next.name(), () -> Integer.valueOf(
                            next.pgPort())
                    .equals(other.query("SELECT sender_port FROM pg_stat_wal_receiver WHERE status = 'streaming'")));
            // the extra row exists only on the old primary: written after the handover point
            old.execute("INSERT INTO handover VALUES (2, 'extra on the old primary')");
        } finally {
            old.agent().process().signal(Signal.CONT);
        }

        Node primary = AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90));
        assertThat(primary).isSameAs(next);
        assertThat(next.patroni().path("timeline").asInt()).isGreaterThan(oldTimeline);
        Wait.until(Duration.ofSeconds(10), "on_role_change callback", () -> AgentNodes.callbacks(next)
                .contains("on_role_change primary " + AgentNodes.CLUSTER));
        next.execute("INSERT INTO handover VALUES (3, 'on the new primary')");
        for (Node n : nodes) {
            Wait.until(Duration.ofSeconds(30), "row 3 on " + n.name(), () -> Long.valueOf(1)
                    .equals(n.query("SELECT count(*) FROM handover WHERE id = 3")));
            assertThat(n.query("SELECT string_agg(id::text, ',' ORDER BY id) FROM handover"))
                    .as("rows on " + n.name())
                    .isEqualTo("1,3");
        }
        assertThat(old.status("/replica")).isEqualTo(200);
        assertThat(old.status("/primary")).isEqualTo(503);
    }

    @Test
    @Order(5)
    void thePrimaryAppliesTheSyncSetAndReportsIt() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        List<Node> replicas = nodes.stream().filter(n -> n != primary).toList();
        Node sync = replicas.get(0);
        Node async = replicas.get(1);
        String expected = "FIRST 1 (\"" + sync.name() + "\")";
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        try (Client client = client()) {
            client.getKVClient()
                    .put(bytes(layout.sync()), bytes(new SyncSet(primary.name(), sync.name()).toJson()))
                    .get(10, TimeUnit.SECONDS);
            try {
                Wait.until(
                        Duration.ofSeconds(20),
                        "sync set applied",
                        () -> expected.equals(primary.query("SHOW synchronous_standby_names"))
                                && "sync"
                                        .equals(primary.query("SELECT sync_state FROM pg_stat_replication"
                                                + " WHERE application_name = '" + sync.name() + "'"))
                                && expected.equals(store.read()
                                        .member(primary.name())
                                        .orElseThrow()
                                        .status()
                                        .syncStandbyNames()));
                assertThat(primary.query("SELECT sync_state FROM pg_stat_replication WHERE application_name = '"
                                + async.name() + "'"))
                        .isEqualTo("async");
                primary.execute("CREATE TABLE IF NOT EXISTS synced (id int)");
                primary.execute("INSERT INTO synced VALUES (1)");
                Wait.until(
                        Duration.ofSeconds(10),
                        "/sync and /async",
                        () -> sync.status("/sync") == 200
                                && sync.status("/async") == 503
                                && async.status("/async") == 200
                                && async.status("/sync") == 503);
            } finally {
                client.getKVClient().delete(bytes(layout.sync())).get(10, TimeUnit.SECONDS);
            }
            Wait.until(Duration.ofSeconds(20), "back to asynchronous", () -> ""
                    .equals(primary.query("SHOW synchronous_standby_names")));
        }
    }

    @Test
    @Order(5)
    void dynamicParametersReachEveryMemberAndARestartOneIsPendingRestart() throws Exception {
        AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Object workMemBefore = nodes.get(0).query("SHOW work_mem");
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        String original = store.read().config().orElseThrow();
        assertThat(new ObjectMapper()
                        .readTree(original)
                        .path("postgresql")
                        .path("use_pg_rewind")
                        .isBoolean())
                .as("the agent stores Patroni's shape: " + original)
                .isTrue();
        ObjectNode changed = (ObjectNode) new ObjectMapper().readTree(original);
        changed.with("postgresql").with("parameters").put("work_mem", "7MB").put("max_connections", 60);
        try (Client client = client()) {
            client.getKVClient()
                    .put(bytes(layout.config()), bytes(changed.toString()))
                    .get(10, TimeUnit.SECONDS);
            try {
                for (Node node : nodes) {
                    Wait.until(
                            Duration.ofSeconds(20),
                            node.name() + ": work_mem reloaded and max_connections pending a restart",
                            () -> "7MB".equals(node.query("SHOW work_mem"))
                                    && node.patroni().path("pending_restart").asBoolean(false)
                                    && "60"
                                            .equals(node.patroni()
                                                    .path("pending_restart_reason")
                                                    .path("max_connections")
                                                    .path("new_value")
                                                    .asText()));
                }
                JsonNode config = new ObjectMapper()
                        .readTree(nodes.get(0).send("GET", "/config", null).body());
                assertThat(config.path("postgresql")
                                .path("parameters")
                                .path("work_mem")
                                .asText())
                        .isEqualTo("7MB");
            } finally {
                client.getKVClient()
                        .put(bytes(layout.config()), bytes(original))
                        .get(10, TimeUnit.SECONDS);
            }
            for (Node node : nodes) {
                Wait.until(
                        Duration.ofSeconds(20),
                        node.name() + ": work_mem back and no restart pending",
                        () -> workMemBefore.equals(node.query("SHOW work_mem"))
                                && !node.patroni().path("pending_restart").asBoolean(false));
            }
        }
    }

    /** What a login as {@code hba_probe} to {@code node} gets: "in", or the SQLSTATE and message of the refusal. */
    private static String probeLogin(Node node) {
        String url = "jdbc:postgresql://" + node.pgHost() + ":" + node.pgPort()
                + "/postgres?user=hba_probe&connectTimeout=3&socketTimeout=10";
        try {
            io.pgha.local.PostgresNode.queryValue(url, "SELECT 1");
            return "in";
        } catch (java.sql.SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        }
    }

    /** The agent's log from byte {@code offset} on. */
    private static String logSince(Node node, long offset) throws java.io.IOException {
        byte[] log = Files.readAllBytes(node.agent().process().log());
        return new String(
                log,
                (int) Math.min(offset, log.length),
                (int) Math.max(0, log.length - offset),
                StandardCharsets.UTF_8);
    }

    private static boolean probeRejected(Node node) {
        String login = probeLogin(node);
        return login.startsWith("28000") && login.contains("pg_hba.conf rejects connection");
    }

    @Test
    @Order(5)
    void pgHbaAndPgIdentFromTheDynamicConfigTakeEffectOnEveryMemberAndABadOneInEtcdIsRefused() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        primary.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hba_probe')"
                + " THEN CREATE ROLE hba_probe LOGIN; END IF; END $$");
        for (Node node : nodes) {
            Wait.until(
                    Duration.ofSeconds(20), node.name() + ": hba_probe logs in", () -> "in".equals(probeLogin(node)));
        }
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        String original = store.read().config().orElseThrow();
        ObjectNode changed = (ObjectNode) new ObjectMapper().readTree(original);
        changed.with("postgresql")
                .putArray("pg_hba")
                .add("host all hba_probe 127.0.0.0/8 reject")
                .add("host all all 127.0.0.0/8 trust");
        changed.with("postgresql").putArray("pg_ident").add("probe_map pgha hba_probe");
        // would let hba_probe in again if an agent wrote it; the include makes every agent refuse it
        ObjectNode bad = changed.deepCopy();
        bad.with("postgresql")
                .putArray("pg_hba")
                .add("host all all 127.0.0.0/8 trust")
                .add("include_dir /etc");
        try (Client client = client()) {
            client.getKVClient()
                    .put(bytes(layout.config()), bytes(changed.toString()))
                    .get(10, TimeUnit.SECONDS);
            try {
                for (Node node : nodes) {
                    Wait.until(
                            Duration.ofSeconds(20),
                            node.name() + ": hba_probe refused by the dynamic pg_hba, pg_ident.conf holds probe_map",
                            () -> probeRejected(node)
                                    && Long.valueOf(1)
                                            .equals(node.query("SELECT count(*) FROM pg_ident_file_mappings"
                                                    + " WHERE map_name = 'probe_map' AND error IS NULL")));
                    assertThat(node.query("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL"))
                            .isEqualTo(0L);
                }
                // the members still stream to each other (pgha's own lines come first)
                AgentNodes.awaitHealthy(nodes, store, HEALTHY);
                Map<String, String> written = new java.util.HashMap<>();
                Map<String, Long> logFrom = new java.util.HashMap<>();
                for (Node node : nodes) {
                    written.put(node.name(), Files.readString(node.dataDir().resolve("pg_hba.conf")));
                    logFrom.put(node.name(), Files.size(node.agent().process().log()));
                }
                client.getKVClient()
                        .put(bytes(layout.config()), bytes(bad.toString()))
                        .get(10, TimeUnit.SECONDS);
                for (Node node : nodes) {
                    Wait.until(
                            Duration.ofSeconds(20),
                            node.name() + ": the agent refuses the bad pg_hba read from etcd",
                            () -> logSince(node, logFrom.get(node.name()))
                                    .contains("the dynamic config in etcd is refused, the one in force and the files"
                                            + " written from it are kept: invalid dynamic configuration:"
                                            + " postgresql.pg_hba[1] \"include_dir /etc\": include_dir names a file"));
                    // and says so where an operator looks: /patroni and its member key (the coordinator's status)
                    Wait.until(
                            Duration.ofSeconds(20),
                            node.name() + ": the refusal is the agent's last_error on /patroni and in its member key",
                            () -> node.patroni()
                                            .path("last_error")
                                            .path("reason")
                                            .asText()
                                            .contains("include_dir names a file")
                                    && store.read()
                                            .members()
                                            .get(node.name())
                                            .status()
                                            .lastError()
                                            .reason()
                                            .contains("include_dir names a file"));
                    assertThat(Files.readString(node.dataDir().resolve("pg_hba.conf")))
                            .isEqualTo(written.get(node.name()));
                    assertThat(probeRejected(node))
                            .as(node.name() + ": " + probeLogin(node))
                            .isTrue();
                }
            } finally {
                client.getKVClient()
                        .put(bytes(layout.config()), bytes(original))
                        .get(10, TimeUnit.SECONDS);
            }
            for (Node node : nodes) {
                Wait.until(
                        Duration.ofSeconds(20),
                        node.name() + ": without pg_hba in the config hba_probe logs in again, probe_map is gone"
                                + " and the refusal is no longer the last_error",
                        () -> "in".equals(probeLogin(node))
                                && !node.patroni()
                                        .path("last_error")
                                        .path("reason")
                                        .asText()
                                        .contains("include_dir")
                                && Long.valueOf(0)
                                        .equals(node.query("SELECT count(*) FROM pg_ident_file_mappings"
                                                + " WHERE map_name = 'probe_map'")));
            }
        }
        AgentNodes.awaitHealthy(nodes, store, HEALTHY).execute("DROP ROLE hba_probe");
    }

    @Test
    @Order(5)
    void strictSynchronousModeWithoutASyncSetWaitsForAnyStandby() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        String original = store.read().config().orElseThrow();
        ObjectNode strict = (ObjectNode) new ObjectMapper().readTree(original);
        strict.put("synchronous_mode", true).put("synchronous_mode_strict", true);
        try (Client client = client()) {
            client.getKVClient()
                    .put(bytes(layout.config()), bytes(strict.toString()))
                    .get(10, TimeUnit.SECONDS);
            try {
                Wait.until(
                        Duration.ofSeconds(20),
                        "'*' applied and reported while no sync set names a standby",
                        () -> SyncSet.ANY_STANDBY.equals(primary.query("SHOW synchronous_standby_names"))
                                && SyncSet.ANY_STANDBY.equals(store.read()
                                        .member(primary.name())
                                        .orElseThrow()
                                        .status()
                                        .syncStandbyNames()));
                primary.execute("CREATE TABLE IF NOT EXISTS synced (id int)");
                primary.execute("INSERT INTO synced VALUES (2)");
                assertThat(primary.query("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'"))
                        .as("the commit was acknowledged by a standby")
                        .isEqualTo(1L);
            } finally {
                client.getKVClient()
                        .put(bytes(layout.config()), bytes(original))
                        .get(10, TimeUnit.SECONDS);
            }
            Wait.until(Duration.ofSeconds(20), "back to asynchronous", () -> ""
                    .equals(primary.query("SHOW synchronous_standby_names")));
        }
    }

    @Test
    @Order(8)
    void aPlannedHandoverLosesNoRowAndNeedsNoRewind() throws Exception {
        Node old = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        List<Node> replicas = nodes.stream().filter(n -> n != old).toList();
        Node candidate = replicas.get(0);
        long logBefore = Files.size(old.agent().process().log());
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        old.execute("CREATE TABLE IF NOT EXISTS planned (id int)");
        old.execute("TRUNCATE planned");
        try (Client client = client()) {
            // written right before the handover is asked for, without waiting for the replicas
            old.execute("INSERT INTO planned SELECT generate_series(1, 20000)");
            // the coordinator's part: name the candidate, bound to its own lease, and clear the request
            assertThat(CoordinatorStandIn.switchover(client, layout, store, old.name(), candidate.name()))
                    .isTrue();
        }
        Node primary = AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90));
        assertThat(primary).isSameAs(candidate);
        assertThat(candidate.query("SELECT count(*) FROM planned")).isEqualTo(20000L);
        candidate.execute("INSERT INTO planned VALUES (-1)");
        for (Node n : nodes) {
            Wait.until(Duration.ofSeconds(30), "the new row on " + n.name(), () -> Long.valueOf(20001)
                    .equals(n.query("SELECT count(*) FROM planned")));
        }
        String oldLog = Files.readString(old.agent().process().log()).substring((int) logBefore);
        assertThat(oldLog).contains("received the shutdown checkpoint").doesNotContain("pg_rewind");
    }

    @Test
    @Order(9)
    void aPrimaryThatCannotStartAgainReleasesTheLeaderKeyAfterPrimaryStartTimeout() throws Exception {
        Node old = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Node next = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        java.nio.file.Path conf = old.dataDir().resolve("postgresql.conf");
        String original = Files.readString(conf);
        Files.writeString(conf, original + "\nthis line breaks the configuration\n");
        long killed;
        try {
            long pid = old.postmasterPid();
            Commands.run(List.of("kill", "-s", Signal.KILL.name(), Long.toString(pid)), Duration.ofSeconds(5))
                    .orThrow();
            killed = System.nanoTime();
            Wait.until(Duration.ofSeconds(40), old.name() + " releases the leader key", () -> store.read()
                    .leader()
                    .isEmpty());
        } finally {
            // atomically: the agent starts PostgreSQL as a standby at the moment it releases the key, and
            // a postmaster that read the file while it was truncated ran with every default (port 5432)
            replaceAtomically(conf, original);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - killed))
                .as("not before primary_start_timeout")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(9));
        assertThat(old.status("/primary")).isEqualTo(503);
        // the coordinator's part: name another member
        try (Client client = client()) {
            EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
            assertThat(CoordinatorStandIn.nameLeader(client, layout, store, next.name()))
                    .isTrue();
        }
        assertThat(AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90)))
                .isSameAs(next);
    }

    /** Replaces {@code file} in one rename, keeping its owner and mode (PostgreSQL's user must write it). */
    private static void replaceAtomically(java.nio.file.Path file, String text) throws java.io.IOException {
        java.nio.file.Path temp = file.resolveSibling(file.getFileName() + ".it-tmp");
        Files.writeString(temp, text);
        Files.setOwner(temp, Files.getOwner(file));
        Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    @Order(10)
    void anAgentStopsCleanlyWithItsPostgresAndLeavesNoProcess() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Node replica = nodes.stream().filter(n -> n != primary).findFirst().orElseThrow();
        long pid = replica.agent().process().pid();
        replica.agent().stop();
        assertThat(io.pgha.local.LocalProcess.groupAlive(pid))
                .as("no process of the agent left")
                .isFalse();
        Wait.until(
                Duration.ofSeconds(5),
                "its PostgreSQL port is free",
                () -> io.pgha.local.Ports.isFree(replica.pgHost(), replica.pgPort()));
        Wait.until(Duration.ofSeconds(5), "its member key is gone", () -> store.read()
                .member(replica.name())
                .isEmpty());
        Wait.until(
                Duration.ofSeconds(5),
                "its REST port is free",
                () -> io.pgha.local.Ports.isFree(
                        replica.agent().host(), replica.agent().httpPort()));
        assertThat(AgentNodes.callbacks(replica)).contains("on_stop replica " + AgentNodes.CLUSTER);
    }

    @Test
    @Order(5)
    void restartsHonourPatronisConditionsAndSchedulesAndClearAPendingRestart() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        List<Node> replicas = nodes.stream().filter(n -> n != primary).toList();
        Node now = replicas.get(0);
        Node later = replicas.get(1);
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        String original = store.read().config().orElseThrow();
        ObjectNode changed = (ObjectNode) new ObjectMapper().readTree(original);
        // raised, so that the replicas may run with it before the primary does
        changed.with("postgresql").with("parameters").put("max_connections", 120);
        try (Client client = client()) {
            client.getKVClient()
                    .put(bytes(layout.config()), bytes(changed.toString()))
                    .get(10, TimeUnit.SECONDS);
            try {
                for (Node node : nodes) {
                    Wait.until(
                            Duration.ofSeconds(20),
                            node.name() + ": max_connections pending a restart",
                            () -> node.patroni().path("pending_restart").asBoolean(false));
                }
                Object started = now.query("SELECT pg_postmaster_start_time()::text");
                HttpResponse<String> wrongRole = post(now, "/restart", "{\"role\": \"primary\"}");
                assertThat(wrongRole.statusCode()).as(wrongRole.body()).isEqualTo(503);
                assertThat(wrongRole.body()).contains("restart conditions are not satisfied", "host role mismatch");
                assertThat(post(now, "/restart", "{\"role\": \"leader\"}").statusCode())
                        .isEqualTo(400);
                assertThat(now.query("SELECT pg_postmaster_start_time()::text"))
                        .as("not restarted")
                        .isEqualTo(started);

                HttpResponse<String> pending =
                        post(now, "/restart", "{\"restart_pending\": true, \"role\": \"replica\"}");
                assertThat(pending.statusCode()).as(pending.body()).isEqualTo(200);
                assertThat(now.query("SHOW max_connections")).isEqualTo("120");
                Wait.until(
                        Duration.ofSeconds(20),
                        now.name() + ": no restart pending, streaming",
                        () -> !now.patroni().path("pending_restart").asBoolean(false)
                                && "streaming".equals(now.query("SELECT status FROM pg_stat_wal_receiver")));

                // a scheduled restart: shown on /patroni, carried out at its time by the loop
                Object laterStarted = later.query("SELECT pg_postmaster_start_time()::text");
                java.time.OffsetDateTime at = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                        .plusSeconds(4)
                        .withNano(0);
                HttpResponse<String> scheduled =
                        post(later, "/restart", "{\"schedule\": \"" + at + "\", \"restart_pending\": true}");
                assertThat(scheduled.statusCode()).as(scheduled.body()).isEqualTo(202);
                JsonNode shown = later.patroni().path("scheduled_restart");
                assertThat(java.time.OffsetDateTime.parse(shown.path("schedule").asText())
                                .toInstant())
                        .isEqualTo(at.toInstant());
                assertThat(shown.path("restart_pending").asBoolean()).isTrue();
                assertThat(post(later, "/restart", "{\"schedule\": \"" + at.plusSeconds(30) + "\"}")
                                .statusCode())
                        .as("another one is scheduled already")
                        .isEqualTo(409);
                assertThat(later.query("SELECT pg_postmaster_start_time()::text"))
                        .isEqualTo(laterStarted);
                Wait.until(
                        Duration.ofSeconds(30),
                        later.name() + " restarted by its schedule, nothing pending or scheduled",
                        () -> !laterStarted.equals(later.query("SELECT pg_postmaster_start_time()::text"))
                                && !later.patroni().has("scheduled_restart")
                                && !later.patroni().path("pending_restart").asBoolean(false));
                assertThat(java.time.Instant.now()).isAfterOrEqualTo(at.toInstant());

                // DELETE cancels another one
                HttpResponse<String> far = post(
                        primary,
                        "/restart",
                        "{\"schedule\": \""
                                + java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                                        .plusHours(1) + "\"}");
                assertThat(far.statusCode()).as(far.body()).isEqualTo(202);
                assertThat(primary.patroni().has("scheduled_restart")).isTrue();
                assertThat(primary.send("DELETE", "/restart", AgentNodes.TOKEN).statusCode())
                        .isEqualTo(200);
                assertThat(primary.patroni().has("scheduled_restart")).isFalse();
                assertThat(primary.send("DELETE", "/restart", AgentNodes.TOKEN).statusCode())
                        .isEqualTo(404);
            } finally {
                client.getKVClient()
                        .put(bytes(layout.config()), bytes(original))
                        .get(10, TimeUnit.SECONDS);
            }
            // back to the original value on the two replicas restarted above
            for (Node node : replicas) {
                Wait.until(Duration.ofSeconds(20), node.name() + ": the old value pending", () -> node.patroni()
                        .path("pending_restart")
                        .asBoolean(false));
                assertThat(post(node, "/restart", "{\"restart_pending\": true}").statusCode())
                        .isEqualTo(200);
            }
            for (Node node : nodes) {
                Wait.until(Duration.ofSeconds(20), node.name() + ": no restart pending", () -> !node.patroni()
                        .path("pending_restart")
                        .asBoolean(false));
            }
        }
    }

    @Test
    @Order(5)
    void theSlotOfAMemberThatLeftIsDroppedAfterMemberSlotsTtl() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Node replica = nodes.stream().filter(n -> n != primary).findFirst().orElseThrow();
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        String original = store.read().config().orElseThrow();
        ObjectNode changed = (ObjectNode) new ObjectMapper().readTree(original);
        changed.put("member_slots_ttl", 3);
        String ghost = "ghost_member";
        try (Client client = client()) {
            client.getKVClient()
                    .put(bytes(layout.config()), bytes(changed.toString()))
                    .get(10, TimeUnit.SECONDS);
            try {
                // a member joins (its key, as a copy of a replica's) and the primary makes its slot
                String status = new String(
                        client.getKVClient()
                                .get(bytes(layout.member(replica.name())))
                                .get(10, TimeUnit.SECONDS)
                                .getKvs()
                                .get(0)
                                .getValue()
                                .getBytes(),
                        StandardCharsets.UTF_8);
                client.getKVClient()
                        .put(bytes(layout.member(ghost)), bytes(status))
                        .get(10, TimeUnit.SECONDS);
                String slotExists = "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + ghost + "'";
                Wait.until(Duration.ofSeconds(20), "the primary creates the new member's slot", () -> Long.valueOf(1)
                        .equals(primary.query(slotExists)));
                // it leaves: the slot is kept for member_slots_ttl, then dropped
                client.getKVClient().delete(bytes(layout.member(ghost))).get(10, TimeUnit.SECONDS);
                long left = System.nanoTime();
                Wait.until(Duration.ofSeconds(30), "the departed member's slot dropped", () -> Long.valueOf(0)
                        .equals(primary.query(slotExists)));
                assertThat(Duration.ofNanos(System.nanoTime() - left))
                        .as("not before member_slots_ttl")
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
                assertThat(primary.query("SELECT count(*) FROM pg_replication_slots WHERE active"))
                        .as("the members' own slots stay")
                        .isEqualTo(2L);
            } finally {
                client.getKVClient().delete(bytes(layout.member(ghost))).get(10, TimeUnit.SECONDS);
                client.getKVClient()
                        .put(bytes(layout.config()), bytes(original))
                        .get(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Patroni's features/permanent_slots.feature, the parts that apply: permanent physical and logical
     * slots on the primary and on the replicas, the logical one kept in step on the replicas (copied once,
     * then advanced), and a consumer that goes on reading from the new primary after a switchover (the
     * new primary's slot is the one the agent kept). ignore_slots keeps a hand-made slot that
     * member_slots_ttl 0 would drop at once.
     */
    @Test
    @Order(8)
    void aPermanentLogicalSlotKeepsItsConsumerReadingAcrossASwitchover() throws Exception {
        logicalSlotConsumerAcrossALeaderChange(false);
    }

    /**
     * The same across a failover (issue 19's "a logical slot that a consumer keeps reading from after a
     * failover"): the primary's node is lost (agent and postmaster killed) once the candidate's copy of
     * the slot has advanced to the consumer's position and the candidate has replayed the rows the
     * consumer has not read yet; its leader key expires, the candidate is named, and the consumer reads
     * on from it: every unread row, none it had acknowledged.
     */
    @Test
    @Order(8)
    void aPermanentLogicalSlotKeepsItsConsumerReadingAcrossAFailover() throws Exception {
        logicalSlotConsumerAcrossALeaderChange(true);
    }

    private void logicalSlotConsumerAcrossALeaderChange(boolean failover) throws Exception {
        Node old = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Node candidate = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        String original = store.read().config().orElseThrow();
        ObjectNode changed = (ObjectNode) new ObjectMapper().readTree(original);
        changed.put("member_slots_ttl", 0);
        changed.with("slots").with("keep_wal").put("type", "physical");
        changed.with("slots")
                .with("cdc")
                .put("type", "logical")
                .put("database", "postgres")
                .put("plugin", "test_decoding");
        changed.withArray("ignore_slots").addObject().put("name", "by_hand");
        old.execute("DROP TABLE IF EXISTS cdc_items; CREATE TABLE cdc_items (id int PRIMARY KEY)");
        old.execute("SELECT pg_create_physical_replication_slot('by_hand')");
        old.execute("SELECT pg_create_physical_replication_slot('stray')");
        java.util.Set<Integer> consumed = new java.util.TreeSet<>();
        try (Client client = client()) {
            client.getKVClient()
                    .put(bytes(layout.config()), bytes(changed.toString()))
                    .get(10, TimeUnit.SECONDS);
            try {
                Wait.until(Duration.ofSeconds(20), "a hand-made slot not in ignore_slots dropped", () -> Long.valueOf(0)
                        .equals(old.query("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'stray'")));
                for (Node n : nodes) {
                    Wait.until(
                            Duration.ofSeconds(60),
                            n.name() + ": the permanent physical slot and the logical slot (test_decoding)",
                            () -> Long.valueOf(2)
                                    .equals(n.query("SELECT count(*) FROM pg_replication_slots WHERE"
                                            + " (slot_name = 'keep_wal' AND slot_type = 'physical') OR (slot_name = 'cdc'"
                                            + " AND slot_type = 'logical' AND plugin = 'test_decoding')")));
                }
                old.execute("INSERT INTO cdc_items SELECT generate_series(1, 100)");
                consumed.addAll(consume(old));
                assertThat(consumed).as("the consumer read every row").hasSize(100);
                String flushed = String.valueOf(old.query(
                        "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'cdc'"));
                Wait.until(
                        Duration.ofSeconds(30),
                        candidate.name() + ": its copy of the slot advanced to the consumer's position " + flushed,
                        () -> Boolean.TRUE.equals(candidate.query("SELECT confirmed_flush_lsn >= '" + flushed
                                + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = 'cdc'")));
                // committed, not read yet
                old.execute("INSERT INTO cdc_items SELECT generate_series(101, 200)");
                if (failover) {
                    loseAndReplace(client, layout, old, candidate);
                } else {
                    assertThat(CoordinatorStandIn.switchover(client, layout, store, old.name(), candidate.name()))
                            .isTrue();
                }
                Node primary = AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90));
                assertThat(primary).isSameAs(candidate);
                primary.execute("INSERT INTO cdc_items SELECT generate_series(201, 300)");
                List<Integer> after = consume(primary);
                assertThat(after)
                        .as("the consumer reads on from the new primary: nothing it had not acknowledged is lost")
                        .containsAll(java.util.stream.IntStream.rangeClosed(101, 300)
                                .boxed()
                                .toList());
                assertThat(after)
                        .as("and nothing it had acknowledged comes again")
                        .allMatch(id -> id > 100);
                for (Node n : nodes) {
                    Wait.until(
                            Duration.ofSeconds(60),
                            n.name() + ": keep_wal and cdc after the switchover",
                            () -> Long.valueOf(2)
                                    .equals(n.query("SELECT count(*) FROM pg_replication_slots"
                                            + " WHERE slot_name IN ('keep_wal', 'cdc')")));
                }
                if (!failover) {
                    // (a lost primary is rewound or cloned again: what it keeps of its own slots is not asserted)
                    assertThat(old.query("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'by_hand'"))
                            .as("the slot in ignore_slots is kept, as primary and then as replica")
                            .isEqualTo(1L);
                }
                // the agent drops them in a later loop once it runs as a replica: wait for it, not assume it
                Wait.until(
                        Duration.ofSeconds(30),
                        old.name() + ": the former primary's member slots are dropped on it as a replica",
                        () -> Long.valueOf(0)
                                .equals(old.query("SELECT count(*) FROM pg_replication_slots WHERE slot_name IN"
                                        + " ('node0', 'node1', 'node2')")));
            } finally {
                if (!old.agent().process().isAlive()) {
                    old.agent().start(); // the next test starts from three members
                    AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90));
                }
                client.getKVClient()
                        .put(bytes(layout.config()), bytes(original))
                        .get(10, TimeUnit.SECONDS);
                for (Node n : nodes) {
                    try {
                        n.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                                + " WHERE slot_name IN ('cdc', 'keep_wal', 'by_hand', 'stray') AND NOT active");
                    } catch (java.sql.SQLException e) {
                        System.err.println(n.name() + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * A failover as the coordinator does it: once {@code candidate} has replayed every row of cdc_items
     * (replication is asynchronous here: a failover keeps what the candidate received), {@code old}'s node
     * is lost (agent and postmaster killed), its leader key expires with its lease, {@code candidate} is
     * named, and the old agent starts again (it comes back as a replica of the candidate).
     */
    private static void loseAndReplace(Client client, EtcdLayout layout, Node old, Node candidate) throws Exception {
        Object rows = old.query("SELECT count(*) FROM cdc_items");
        Wait.until(
                Duration.ofSeconds(30),
                candidate.name() + " replayed the " + rows + " rows of cdc_items",
                () -> rows.equals(candidate.query("SELECT count(*) FROM cdc_items")));
        long postmaster = old.postmasterPid();
        old.agent().process().signal(Signal.KILL);
        Commands.run(List.of("kill", "-s", Signal.KILL.name(), Long.toString(postmaster)), Duration.ofSeconds(5))
                .orThrow();
        Wait.until(Duration.ofSeconds(10), old.name() + "'s agent gone", () -> !old.agent()
                .process()
                .isAlive());
        Wait.until(Duration.ofSeconds(30), old.name() + "'s leader key expired with its lease", () -> store.read()
                .leader()
                .isEmpty());
        assertThat(CoordinatorStandIn.nameLeader(client, layout, store, candidate.name()))
                .as(candidate.name() + " named the leader")
                .isTrue();
        old.agent().start();
    }

    /** The ids of the rows inserted into cdc_items, read (and acknowledged) through the slot cdc. */
    private static List<Integer> consume(Node node) throws java.sql.SQLException {
        List<Integer> ids = new java.util.ArrayList<>();
        java.util.regex.Pattern insert =
                java.util.regex.Pattern.compile("table public\\.cdc_items: INSERT: id\\[integer\\]:(\\d+)");
        try (var c = java.sql.DriverManager.getConnection(node.jdbcUrl());
                var st = c.createStatement();
                var r = st.executeQuery("SELECT data FROM pg_logical_slot_get_changes('cdc', NULL, NULL)")) {
            while (r.next()) {
                java.util.regex.Matcher m = insert.matcher(r.getString(1));
                if (m.find()) {
                    ids.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return ids;
    }

    /** {@code POST path} on {@code node}'s agent with {@code body} and the REST token. */
    private static HttpResponse<String> post(Node node, String path, String body) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(node.agent().uri(path))
                                .timeout(Duration.ofSeconds(60))
                                .header("Authorization", "Bearer " + AgentNodes.TOKEN)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static Client client() {
        return Client.builder()
                .endpoints(etcd.endpoints().toArray(String[]::new))
                .build();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** What the coordinator will do: move the leader key to {@code to}, bound to {@code to}'s own lease. */
    private static void writeLeaderKey(String from, String to) throws Exception {
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        long lease = store.read().member(to).orElseThrow().lease();
        try (Client client = Client.builder()
                .endpoints(etcd.endpoints().toArray(String[]::new))
                .build()) {
            ByteSequence key = ByteSequence.from(layout.leader(), StandardCharsets.UTF_8);
            boolean ok = client.getKVClient()
                    .txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(from, StandardCharsets.UTF_8))))
                    .Then(Op.put(
                            key,
                            ByteSequence.from(to, StandardCharsets.UTF_8),
                            PutOption.builder().withLeaseId(lease).build()))
                    .commit()
                    .get(10, TimeUnit.SECONDS)
                    .isSucceeded();
            assertThat(ok).as("leader key moved from " + from + " to " + to).isTrue();
        }
    }
}
