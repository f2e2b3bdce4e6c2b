package io.pgha.renderer.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgBouncerIniRendererTest {
    static PoolSettings settings(String mode) {
        return new PoolSettings(
                "main",
                "127.0.0.1",
                6432,
                "127.0.0.1",
                5000,
                "127.0.0.1",
                5001,
                List.of("postgres", "app"),
                mode,
                Path.of("/run/pgbouncer/pgbouncer.ini"),
                Path.of("/run/pgbouncer/userlist.txt"),
                "pgha_pooler",
                "pgha_pooler_admin",
                "secret",
                "psql",
                15,
                3,
                18,
                1000,
                Duration.ofSeconds(10),
                Duration.ofSeconds(20),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofSeconds(3),
                null);
    }

    @Test
    void readWriteDatabasesGoToHaproxysReadWritePortAndReadOnlyOnesToItsReadOnlyPort() {
        String ini = PgBouncerIniRenderer.render(settings("transaction"));
        assertThat(ini)
                .contains("postgres = host=127.0.0.1 port=5000 dbname=postgres\n")
                .contains("postgres_ro = host=127.0.0.1 port=5001 dbname=postgres\n")
                .contains("app = host=127.0.0.1 port=5000 dbname=app\n")
                .contains("app_ro = host=127.0.0.1 port=5001 dbname=app\n");
    }

    @Test
    void authenticatesClientsThroughTheLookupFunctionNotAUserList() {
        String ini = PgBouncerIniRenderer.render(settings("transaction"));
        assertThat(ini)
                .contains("auth_user = pgha_pooler\n")
                .contains("auth_query = SELECT uname, phash FROM pgha_pooler.user_lookup($1)\n")
                .contains("auth_file = /run/pgbouncer/userlist.txt\n")
                .contains("admin_users = pgha_pooler_admin\n")
                .doesNotContain("secret");
    }

    @Test
    void listensOnLoopbackWithoutUnixSocketAndCarriesTheModeAndTimeouts() {
        assertThat(PgBouncerIniRenderer.render(settings("transaction")))
                .contains("listen_addr = 127.0.0.1\n", "listen_port = 6432\n", "unix_socket_dir = \n")
                .contains("pool_mode = transaction\n")
                .contains("query_wait_timeout = 30\n", "server_login_retry = 1\n", "server_connect_timeout = 3\n")
                .contains("ignore_startup_parameters = extra_float_digits\n");
        assertThat(PgBouncerIniRenderer.render(settings("session"))).contains("pool_mode = session\n");
    }

    @Test
    void carriesThePoolSizesThatKeepThePoolsWithinMaxConnections() {
        assertThat(PgBouncerIniRenderer.render(settings("transaction")))
                .contains("default_pool_size = 15\n", "reserve_pool_size = 3\n", "max_db_connections = 18\n")
                .contains("max_client_conn = 1000\n");
    }

    @Test
    void theSameSettingsGiveTheSameBytes() {
        assertThat(PgBouncerIniRenderer.render(settings("transaction")))
                .isEqualTo(PgBouncerIniRenderer.render(settings("transaction")));
    }

    @Test
    void serverConnectionsUseVerifiedTlsOnlyWhenAServerCaIsGiven() {
        assertThat(PgBouncerIniRenderer.render(settings("transaction"))).doesNotContain("server_tls");
        PoolSettings s = settings("transaction");
        PoolSettings tls = new PoolSettings(
                s.cluster(),
                s.listenAddress(),
                s.port(),
                s.readWriteTarget(),
                s.readWritePort(),
                s.readOnlyTarget(),
                s.readOnlyPort(),
                s.databases(),
                s.mode(),
                s.configPath(),
                s.authFile(),
                s.authUser(),
                s.adminUser(),
                s.adminPassword(),
                s.psql(),
                s.defaultPoolSize(),
                s.reservePoolSize(),
                s.maxDbConnections(),
                s.maxClientConn(),
                s.maxPause(),
                s.maxFailoverPause(),
                s.queryWaitTimeout(),
                s.serverLoginRetry(),
                s.serverConnectTimeout(),
                Path.of("/run/pgbouncer/ca.crt"));
        assertThat(PgBouncerIniRenderer.render(tls))
                .contains("server_tls_sslmode = verify-full\n", "server_tls_ca_file = /run/pgbouncer/ca.crt\n");
    }
}
