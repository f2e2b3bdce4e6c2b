package io.pgha.renderer;

import static io.pgha.core.store.EtcdCalls.bytes;
import static io.pgha.core.store.EtcdCalls.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.pgha.core.Detach;
import io.pgha.core.EtcdLayout;
import io.pgha.core.store.EtcdCalls;
import io.pgha.core.store.RouterReport;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The asynchronous fast failover's fence with real etcd, Kafka, HAProxy and PostgreSQL (config-renderer's
 * DESIGN.md, "Fencing"): a {@code /detach} for the leader ends its read-write sessions on the current
 * worker and on a worker a reload replaced (hard-stop-after 30 s here, so only the fence can end them
 * in time), no new session reaches it, the routing report says {@code fenced}; when the coordinator
 * abandons (deletes {@code /detach}, the leader key unchanged) the fence is lifted.
 */
class FenceIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String ROUTER = "router-it";

    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    @Test
    void aDetachEndsTheLeadersSessionsOnEveryWorkerAndKeepsNewOnesAwayUntilItIsAbandoned() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        RoutingFixture fixture = new RoutingFixture(
                infra,
                Map.of(
                        "pgha.etcd.endpoints",
                        String.join(",", etcd.endpoints()),
                        "pgha.renderer.name",
                        ROUTER,
                        "pgha.renderer.hard-stop-after",
                        "30s"));
        PostgresNode pg0 = infra.postgres("pg-0");
        fixture.member("pg-0", pg0.host(), pg0.port(), StandInAgent.Role.PRIMARY);
        fixture.member("pg-1", pg0.host(), pg0.port(), StandInAgent.Role.REPLICA); // names only
        fixture.member("pg-2", pg0.host(), pg0.port(), StandInAgent.Role.REPLICA);
        String readWrite = PostgresNode.jdbcUrl("127.0.0.1", fixture.readWritePort);
        EtcdLayout layout = new EtcdLayout("/pgha", RoutingFixture.CLUSTER);

        try (Client client = EtcdCalls.client(etcd.endpoints(), Duration.ofSeconds(5))) {
            long epoch = put(client, layout.leader(), "pg-0");
            fixture.publish(fixture.topology(epoch, "pg-0", List.of("pg-0", "pg-1")));
            Wait.until(DEADLINE, "read-write port on pg-0", () -> Integer.valueOf(pg0.port())
                    .equals(PostgresNode.queryValue(readWrite, "SELECT inet_server_port()")));
            Wait.until(
                    DEADLINE, "routing reported", () -> report(client, layout).isPresent());

            try (Connection onOldWorker = DriverManager.getConnection(readWrite);
                    Statement oldStatement = onOldWorker.createStatement()) {
                assertThat(alive(oldStatement)).isTrue();
                int reloads = fixture.masterReloads();
                fixture.publish(fixture.topology(epoch, "pg-0", List.of("pg-0", "pg-1", "pg-2"))); // a reload
                Wait.until(DEADLINE, "the reload", () -> fixture.masterReloads() == reloads + 1);
                Wait.until(DEADLINE, "pg-2 in HAProxy", () -> fixture.serverStatus("main_rw", "pg-2")
                        .isPresent());
                Wait.until(DEADLINE, "pg-0 up in the new worker", () -> fixture.serverStatus("main_rw", "pg-0")
                        .filter(s -> s.equals("UP"))
                        .isPresent());
                assertThat(fixture.haproxy.masterCommand("show proc")).contains("# old workers");
                assertThat(alive(oldStatement))
                        .as("the session kept by the old worker")
                        .isTrue();

                try (Connection onNewWorker = DriverManager.getConnection(readWrite);
                        Statement newStatement = onNewWorker.createStatement()) {
                    assertThat(alive(newStatement)).isTrue();

                    long detachRevision = put(client, layout.detach(), new Detach(epoch, "pg-0").toJson());
                    Instant written = Instant.now();

                    Wait.until(DEADLINE, "the report says fenced", () -> report(client, layout)
                            .filter(r -> r.hasFenced("pg-0", epoch, detachRevision))
                            .isPresent());
                    Duration reported = Duration.between(written, Instant.now());
                    // ended by the fence, not by hard-stop-after (30 s)
                    assertThat(alive(newStatement))
                            .as("the session on the current worker")
                            .isFalse();
                    assertThat(alive(oldStatement))
                            .as("the session on the old worker")
                            .isFalse();
                    assertThat(reported).isLessThan(Duration.ofSeconds(10));
                    assertThat(fixture.serverStatus("main_rw", "pg-0")).contains("MAINT");
                    for (int i = 0; i < 5; i++) {
                        assertThat(connects(readWrite))
                                .as("a new session through :rw")
                                .isFalse();
                    }
                    System.out.printf(
                            "FenceIT: fenced and reported %d ms after /detach was written%n", reported.toMillis());
                }
            }

            // a topology change while fenced (a reload) keeps pg-0 out
            int reloads = fixture.masterReloads();
            fixture.publish(fixture.topology(epoch, "pg-0", List.of("pg-0", "pg-1")));
            Wait.until(DEADLINE, "the reload", () -> fixture.masterReloads() == reloads + 1);
            Wait.until(DEADLINE, "pg-2 gone", () -> fixture.serverStatus("main_rw", "pg-2")
                    .isEmpty());
            assertThat(fixture.serverStatus("main_rw", "pg-0")).contains("MAINT");
            assertThat(connects(readWrite)).isFalse();

            // abandoned: /detach deleted, the leader key unchanged
            client.getKVClient().delete(bytes(layout.detach())).get();
            Wait.until(DEADLINE, "the fence lifted", () -> report(client, layout)
                    .filter(r -> r.fenced() == null)
                    .isPresent());
            Wait.until(DEADLINE, "read-write port on pg-0 again", () -> connects(readWrite));
        }
    }

    private static long put(Client client, String key, String value) throws Exception {
        return client.getKVClient()
                .put(bytes(key), bytes(value))
                .get()
                .getHeader()
                .getRevision();
    }

    private static Optional<RouterReport> report(Client client, EtcdLayout layout) throws Exception {
        var kvs = client.getKVClient().get(bytes(layout.router(ROUTER))).get().getKvs();
        return kvs.isEmpty()
                ? Optional.empty()
                : Optional.of(RouterReport.fromJson(text(kvs.get(0).getValue()), layout.router(ROUTER)));
    }

    private static boolean alive(Statement statement) {
        try {
            statement.execute("SELECT 1");
            return true;
        } catch (SQLException ended) {
            return false;
        }
    }

    private static boolean connects(String url) {
        try (Connection c = DriverManager.getConnection(url)) {
            return c.isValid(3);
        } catch (SQLException refused) {
            return false;
        }
    }
}
