package io.pgha.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.local.Certificates;
import io.pgha.local.LocalInfra;
import io.pgha.local.OsUser;
import io.pgha.local.PostgresNode;
import io.pgha.monitor.probe.ProbeTls;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The probes' Vert.x client with {@code pgha.health-monitor.postgres-ca-file} against a real PostgreSQL
 * serving TLS: it gets in over TLS when the certificate is the CA's and names the address, and refuses a
 * server whose certificate is another CA's or does not name the address it connected to.
 */
class ProbeTlsIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void probesVerifyTheServerCertificateAndItsName() throws Exception {
        PostgresNode pg = infra.postgres("pg-0");
        Certificates ca = Certificates.authorityIn(infra.workspace().dir("ca"));
        Certificates.Issued issued = ca.issue("pg-0", List.of(pg.host()));
        Certificates.Issued localhostOnly = ca.issue("pg-0-localhost", List.of());
        Path other = Certificates.authorityIn(infra.workspace().dir("other-ca")).caCert();
        serve(pg, issued);

        Vertx vertx = Vertx.vertx();
        try {
            assertThat(sslOfOwnBackend(vertx, pg, issued.ca())).isTrue();
            assertThatThrownBy(() -> sslOfOwnBackend(vertx, pg, other))
                    .as("a server certificate from another CA is refused")
                    .isNotNull();
            serve(pg, localhostOnly);
            assertThatThrownBy(() -> sslOfOwnBackend(vertx, pg, issued.ca()))
                    .as("a certificate that does not name " + pg.host() + " is refused")
                    .isNotNull();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Copies the certificate and key into the data directory and turns TLS on with a reload. */
    private static void serve(PostgresNode pg, Certificates.Issued cert) throws Exception {
        OsUser user = OsUser.forPostgres();
        user.ownedCopy(cert.cert(), pg.dataDir().resolve("probe-tls.crt"));
        user.ownedCopy(cert.key(), pg.dataDir().resolve("probe-tls.key"));
        pg.execute("ALTER SYSTEM SET ssl_cert_file = 'probe-tls.crt'");
        pg.execute("ALTER SYSTEM SET ssl_key_file = 'probe-tls.key'");
        pg.execute("ALTER SYSTEM SET ssl = on");
        pg.execute("SELECT pg_reload_conf()");
        io.pgha.local.Wait.until(java.time.Duration.ofSeconds(10), "PostgreSQL serves TLS", () -> "on"
                .equals(pg.queryValue("SHOW ssl")));
    }

    private static boolean sslOfOwnBackend(Vertx vertx, PostgresNode pg, Path ca) throws Exception {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(pg.host())
                .setPort(pg.port())
                .setDatabase("postgres")
                .setUser(PostgresNode.SUPERUSER)
                .setConnectTimeout(3000);
        ProbeTls.apply(options, Optional.of(ca));
        PgConnection c = PgConnection.connect(vertx, options)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        try {
            Row row = c.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    .execute()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .iterator()
                    .next();
            return row.getBoolean(0);
        } finally {
            c.close();
        }
    }
}
