package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PgBouncerIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    private static final PgBouncer.AdminLogin ADMIN = new PgBouncer.AdminLogin("pgha_admin", "admin-secret");

    @Test
    void poolsToPostgresPausesResumesReloadsWithoutDroppingClientsAndIsGoneAfterStop() throws Exception {
        PostgresNode postgres = infra.postgres("pg0");
        PgBouncerTestIni.writeAuthFile(infra.workspace(), ADMIN, Map.of("postgres", "client-secret"));
        int port = Ports.free();
        PgBouncer bouncer = infra.pgbouncer(ini(postgres, port, "transaction"), port, ADMIN);
        assertThat(bouncer.process().isAlive()).isTrue();

        try (Connection client =
                DriverManager.getConnection(bouncer.jdbcUrl("app") + "?user=postgres&password=client-secret")) {
            assertThat(one(client, "SELECT 1")).isEqualTo("1");
            assertThat(bouncer.admin("SHOW POOLS"))
                    .as("the pool of database app")
                    .anySatisfy(row -> assertThat(row).containsEntry("database", "app"));

            bouncer.admin("PAUSE app");
            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return one(client, "SELECT 2");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Wait.until(
                    Duration.ofSeconds(10),
                    "the paused query to wait in the pool",
                    () -> bouncer.admin("SHOW POOLS").stream()
                            .anyMatch(
                                    r -> "app".equals(r.get("database")) && Integer.parseInt(r.get("cl_waiting")) > 0));
            assertThat(held).isNotDone();
            bouncer.admin("RESUME app");
            assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("2");

            bouncer.reload(ini(postgres, port, "session"));
            assertThat(bouncer.admin("SHOW CONFIG").stream()
                            .filter(r -> "pool_mode".equals(r.get("key")))
                            .findFirst()
                            .orElseThrow())
                    .containsEntry("value", "session");
            assertThat(one(client, "SELECT 3"))
                    .as("the client connection opened before the RELOAD still works")
                    .isEqualTo("3");
        }

        assertThatThrownBy(() -> bouncer.admin("NOT A COMMAND"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused 'NOT A COMMAND'");

        LocalProcess process = bouncer.process();
        bouncer.close();
        Gone.assertGone(process, Ports.LOOPBACK, port);
    }

    private static String one(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private String ini(PostgresNode postgres, int port, String poolMode) {
        return PgBouncerTestIni.of(infra.workspace(), port, ADMIN)
                .database("app", postgres.host(), postgres.port(), "postgres")
                .poolMode(poolMode)
                .render();
    }
}
