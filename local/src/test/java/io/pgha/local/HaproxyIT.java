package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HaproxyIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void routesToPostgresKeepsSessionsAcrossReloadRefusesBadConfigAndIsGoneAfterStop() throws Exception {
        PostgresNode postgres = infra.postgres("pg0");
        HaproxyConfig.Server server = new HaproxyConfig.Server("pg0", postgres.host(), postgres.port());
        int rwPort = Ports.free();
        HaproxyConfig config = new HaproxyConfig().listen("rw", Ports.LOOPBACK, rwPort, List.of(server));
        Haproxy haproxy = infra.haproxy(config.render());

        try (Connection session = DriverManager.getConnection(PostgresNode.jdbcUrl(Ports.LOOPBACK, rwPort))) {
            assertThat(backendPid(session)).isPositive();
            int backend = backendPid(session);

            int roPort = Ports.free();
            haproxy.reload(
                    config.listen("ro", Ports.LOOPBACK, roPort, List.of(server)).render());
            assertThat(PostgresNode.canQuery(PostgresNode.jdbcUrl(Ports.LOOPBACK, roPort)))
                    .as("the listener added by the reload serves")
                    .isTrue();
            assertThat(haproxy.masterReloads()).isEqualTo(1);
            assertThat(backendPid(session))
                    .as("the session opened before the reload is still the same")
                    .isEqualTo(backend);

            long worker = haproxy.currentWorkerPid();
            assertThatThrownBy(() -> haproxy.reload("this is not haproxy configuration\n"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("HAProxy refused the configuration");
            assertThat(haproxy.currentWorkerPid()).isEqualTo(worker);
            assertThat(backendPid(session)).isEqualTo(backend);
        }

        LocalProcess process = haproxy.process();
        haproxy.close();
        Gone.assertGone(process, Ports.LOOPBACK, rwPort);
    }

    private static int backendPid(Connection connection) throws Exception {
        try (ResultSet rows = connection.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
