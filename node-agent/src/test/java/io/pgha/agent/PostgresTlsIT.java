package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.LeaderKey;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.Certificates;
import io.pgha.local.Commands;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.OsUser;
import io.pgha.local.Wait;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two agents with PostgreSQL TLS on ({@code pgha.postgres.tls.*}, certificates from a local CA) and
 * passwords: the replica streams over TLS, a TCP connection without TLS is refused by pg_hba.conf, a
 * client that verifies the server against the CA gets in, and a replaced certificate is served after
 * {@code POST /reload}.
 */
class PostgresTlsIT {
    private static final String SUPERUSER_PASSWORD = "su-Tls-Secret-5";

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    private final List<Node> nodes = new ArrayList<>();

    @RegisterExtension
    final org.junit.jupiter.api.extension.TestWatcher logs = AgentNodes.postgresLogsOnFailure(() -> nodes);

    @Test
    void membersTalkTlsOnlyAndVerifyEachOther() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        Path caDir = infra.workspace().dir("pg-ca");
        Map<String, String> extra = Map.of(
                AgentNodes.SUPERUSER_PASSWORD, SUPERUSER_PASSWORD, AgentNodes.POSTGRES_TLS_CA_DIR, caDir.toString());
        try (EtcdClusterStore store = AgentNodes.store(etcd.endpoints())) {
            Node primary = AgentNodes.start(infra, "node0", etcd.endpoints(), null, extra);
            nodes.add(primary);
            Wait.until(
                    Duration.ofSeconds(60),
                    "node0 bootstraps as the primary",
                    () -> store.read()
                                    .leader()
                                    .map(LeaderKey::member)
                                    .filter("node0"::equals)
                                    .isPresent()
                            && primary.status("/primary") == 200);
            Node replica = AgentNodes.start(infra, "node1", etcd.endpoints(), null, extra);
            nodes.add(replica);
            assertThat(AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(60)))
                    .isSameAs(primary);
            Path ca = Certificates.authorityIn(caDir).caCert();

            // (a) the replica's WAL receiver connected with verify-full, and its walsender runs over TLS
            assertThat(replica.query("SELECT conninfo FROM pg_stat_wal_receiver"))
                    .asString()
                    .contains("sslmode=verify-full");
            Wait.until(Duration.ofSeconds(30), "the primary's walsender for node1 runs over TLS", () -> Long.valueOf(1)
                    .equals(primary.query("SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_ssl s"
                            + " USING (pid) WHERE r.application_name = 'node1' AND r.state = 'streaming'"
                            + " AND s.ssl")));

            // (b) TCP without TLS is refused by pg_hba.conf, normal and replication connections alike
            assertThatThrownBy(() -> connect(primary, "disable", null, false))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("pg_hba.conf rejects connection")
                    .hasMessageContaining("no encryption");
            assertThatThrownBy(() -> connect(primary, "disable", null, true))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("pg_hba.conf rejects replication connection")
                    .hasMessageContaining("no encryption");

            // (c) a client verifying the server's certificate and name against the CA gets in over TLS
            try (Connection c = connect(primary, "verify-full", ca, false);
                    Statement st = c.createStatement();
                    ResultSet r = st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getBoolean(1)).isTrue();
            }
            Path otherCa =
                    Certificates.authorityIn(infra.workspace().dir("other-ca")).caCert();
            assertThatThrownBy(() -> connect(primary, "verify-full", otherCa, false))
                    .as("a CA that did not sign the server's certificate is not trusted")
                    .isInstanceOf(SQLException.class);

            // rotation: the operator replaces the files, POST /reload copies them and PostgreSQL re-reads them
            assertThat(serverCertificateSubject(primary)).endsWith("CN = pg-node0");
            Certificates.Issued rotated =
                    Certificates.authorityIn(caDir).issue("pg-node0-rotated", List.of(primary.pgHost()));
            Path certs = primary.dataDir().getParent().resolve("certs");
            OsUser.forPostgres().ownedCopy(rotated.key(), certs.resolve("server.key"));
            OsUser.forPostgres().ownedCopy(rotated.cert(), certs.resolve("server.crt"));
            assertThat(primary.send("POST", "/reload", AgentNodes.TOKEN).statusCode())
                    .isEqualTo(202);
            Wait.until(
                    Duration.ofSeconds(20),
                    "PostgreSQL serves the replaced certificate",
                    () -> serverCertificateSubject(primary).contains("pg-node0-rotated"));
            try (Connection c = connect(primary, "verify-full", ca, false)) {
                assertThat(c.isValid(5)).isTrue();
            }
        }
    }

    private static Connection connect(Node node, String sslmode, Path rootCert, boolean replication)
            throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", replication ? "replicator" : "postgres");
        p.setProperty("password", replication ? AgentNodes.REPLICATION_PASSWORD : SUPERUSER_PASSWORD);
        p.setProperty("sslmode", sslmode);
        p.setProperty("connectTimeout", "5");
        if (rootCert != null) {
            p.setProperty("sslrootcert", rootCert.toString());
        }
        if (replication) {
            p.setProperty("replication", "true");
            p.setProperty("assumeMinServerVersion", "9.4");
            p.setProperty("preferQueryMode", "simple");
        }
        return DriverManager.getConnection("jdbc:postgresql://" + node.pgHost() + ":" + node.pgPort() + "/postgres", p);
    }

    /** The subject of the certificate PostgreSQL presents, as {@code openssl s_client} prints it. */
    private static String serverCertificateSubject(Node node) {
        Commands.Result r = Commands.run(
                List.of(
                        Commands.require("openssl", "openssl").toString(),
                        "s_client",
                        "-starttls",
                        "postgres",
                        "-connect",
                        node.pgHost() + ":" + node.pgPort()),
                Duration.ofSeconds(10));
        return r.output()
                .lines()
                .filter(l -> l.startsWith("subject="))
                .findFirst()
                .orElse("");
    }
}
