package io.pgha.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.local.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL TLS: the start-up checks of the operator's files, and what the agent writes with them. */
class PgTlsTest {
    @TempDir
    static Path certs;

    @TempDir
    Path temp;

    static Certificates.Issued issued;
    static Certificates.Issued otherCa;

    @BeforeAll
    static void issue() {
        issued = Certificates.authorityIn(certs.resolve("ca")).issue("pg-0", List.of("127.0.0.2"));
        otherCa = Certificates.authorityIn(certs.resolve("other")).issue("pg-0", List.of("127.0.0.2"));
    }

    private static PgTls good() {
        return PgTls.checked(issued.cert(), issued.key(), issued.ca(), List.of("127.0.0.2"));
    }

    @Test
    void filesFromTheCaNamingTheHostAreAccepted() {
        assertThat(good().certFile()).isEqualTo(issued.cert());
        assertThat(PgTls.checked(issued.cert(), issued.key(), issued.ca(), List.of("localhost", "0.0.0.0")))
                .isNotNull();
    }

    @Test
    void aMissingFileIsRefusedNamingItsProperty() {
        assertThatThrownBy(
                        () -> PgTls.checked(certs.resolve("nope.crt"), issued.key(), issued.ca(), List.of("127.0.0.2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.postgres.tls.cert-file")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() ->
                        PgTls.checked(issued.cert(), issued.key(), certs.resolve("nope-ca.crt"), List.of("127.0.0.2")))
                .hasMessageContaining("pgha.postgres.tls.ca-file");
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() {
        assertThatThrownBy(() -> PgTls.checked(otherCa.cert(), otherCa.key(), issued.ca(), List.of("127.0.0.2")))
                .hasMessageContaining("pgha.postgres.tls.cert-file")
                .hasMessageContaining("is not signed by pgha.postgres.tls.ca-file");
    }

    @Test
    void aCertificateThatDoesNotNameTheConnectHostIsRefused() {
        assertThatThrownBy(() -> PgTls.checked(issued.cert(), issued.key(), issued.ca(), List.of("127.0.0.3")))
                .hasMessageContaining("does not name '127.0.0.3'")
                .hasMessageContaining("IP:127.0.0.2")
                .hasMessageContaining("pgha.postgres.connect-host");
    }

    @Test
    void aKeyThatIsNotPemIsRefused() throws Exception {
        Path bad = Files.writeString(temp.resolve("bad.key"), "not a key\n");
        assertThatThrownBy(() -> PgTls.checked(issued.cert(), bad, issued.ca(), List.of("127.0.0.2")))
                .hasMessageContaining("pgha.postgres.tls.key-file")
                .hasMessageContaining("not a PEM private key");
        Path notCert = Files.writeString(temp.resolve("bad.crt"), "junk\n");
        assertThatThrownBy(() -> PgTls.checked(notCert, issued.key(), issued.ca(), List.of("127.0.0.2")))
                .hasMessageContaining("pgha.postgres.tls.cert-file")
                .hasMessageContaining("not a PEM X.509 certificate");
    }

    @Test
    void namesMatchAsVerifyFullDoes() {
        List<List<?>> names = List.of(List.of(2, "localhost"), List.of(7, "127.0.0.2"), List.of(2, "*.pg.svc"));
        assertThat(PgTls.covers("127.0.0.2", names)).isTrue();
        assertThat(PgTls.covers("127.0.0.3", names)).isFalse();
        assertThat(PgTls.covers("LOCALHOST", names)).isTrue();
        assertThat(PgTls.covers("pg-0.pg.svc", names)).isTrue();
        assertThat(PgTls.covers("a.b.pg.svc", names)).isFalse();
        assertThat(PgTls.covers("pg.svc", names)).isFalse();
        assertThat(PgTls.covers("::1", List.of(List.of(7, "0:0:0:0:0:0:0:1")))).isTrue();
        // an IP written as a DNS name in the certificate does not satisfy verify-full for an IP
        assertThat(PgTls.covers("10.0.0.1", List.of(List.of(2, "10.0.0.1")))).isFalse();
    }

    @Test
    void withTlsEveryTcpRuleNeedsTlsAndTcpWithoutItIsRejected() {
        List<String> lines = PgTls.hostLines(List.of("host all all 10.0.0.0/8 scram-sha-256"), true);
        assertThat(lines)
                .containsExactly(
                        "hostssl all all 10.0.0.0/8 scram-sha-256",
                        "hostnossl all all 0.0.0.0/0 reject",
                        "hostnossl all all ::/0 reject",
                        "hostnossl replication all 0.0.0.0/0 reject",
                        "hostnossl replication all ::/0 reject");
        assertThat(PgTls.hostLines(List.of("host all all 10.0.0.0/8 md5"), false))
                .containsExactly("host all all 10.0.0.0/8 md5");
    }

    @Test
    void clientsVerifyTheNameExceptOnAWildcardListenAddress() {
        assertThat(good().clientOptions("127.0.0.2"))
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", issued.ca().toString());
        assertThat(good().clientOptions("0.0.0.0")).containsEntry("sslmode", "verify-ca");
    }

    private LocalPostgres postgres(Path node, Optional<PgTls> tls) throws Exception {
        return postgres(node, tls, new ExtraSettings());
    }

    private LocalPostgres postgres(Path node, Optional<PgTls> tls, ExtraSettings extra) throws Exception {
        Path data = Files.createDirectories(node.resolve("data"));
        return new LocalPostgres(
                new PgSettings(
                        "pg-0",
                        data,
                        Path.of("/usr/lib/postgresql/15/bin"),
                        "127.0.0.2",
                        5432,
                        "127.0.0.0/8",
                        false,
                        Map.of(),
                        "postgres",
                        Optional.of("su"),
                        "replicator",
                        Optional.of("repl"),
                        "pgha_monitor",
                        Optional.of("mon"),
                        false,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(3),
                        "pgha_pooler",
                        Optional.empty(),
                        tls),
                new ProcessRunner(),
                extra);
    }

    @Test
    void configureCopiesTheFilesPrivatelyAndTurnsTlsOn() throws Exception {
        Path node = temp.resolve("node");
        postgres(node, Optional.of(good())).configure(true, Optional.of(new Upstream("pg-1", "127.0.0.3", 5433)));
        Path tls = node.resolve("tls");
        assertThat(Files.getPosixFilePermissions(tls)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String f : List.of("server.crt", "server.key", "ca.crt")) {
            assertThat(Files.getPosixFilePermissions(tls.resolve(f)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Files.readString(tls.resolve("server.key"))).isEqualTo(Files.readString(issued.key()));
        String conf = Files.readString(node.resolve("data/pgha.conf"));
        assertThat(conf)
                .contains("ssl = 'on'\n")
                .contains("ssl_cert_file = '" + tls.resolve("server.crt") + "'\n")
                .contains("ssl_key_file = '" + tls.resolve("server.key") + "'\n")
                .contains("ssl_ca_file = '" + tls.resolve("ca.crt") + "'\n")
                .contains("sslmode=''verify-full'' sslrootcert=''" + issued.ca() + "''");
        String hba = Files.readString(node.resolve("data/pg_hba.conf"));
        assertThat(hba.lines().filter(l -> l.startsWith("host ")).toList()).isEmpty();
        assertThat(hba)
                .contains("local all all trust")
                .contains("hostssl replication \"replicator\" 127.0.0.0/8 scram-sha-256")
                .contains("hostnossl replication all 0.0.0.0/0 reject");
    }

    @Test
    void aReplacedCertificateIsCopiedAgainByTheNextConfigure() throws Exception {
        Path node = temp.resolve("node");
        Path cert = Files.copy(issued.cert(), temp.resolve("op.crt"));
        PgTls tls = PgTls.checked(cert, issued.key(), issued.ca(), List.of("127.0.0.2"));
        LocalPostgres pg = postgres(node, Optional.of(tls));
        pg.configure(false, Optional.empty());
        Files.writeString(cert, Files.readString(issued.cert()) + "\n");
        pg.configure(false, Optional.empty());
        assertThat(Files.readString(node.resolve("tls/server.crt"))).endsWith("-----\n\n");
    }

    @Test
    void withoutTlsNothingChanges() throws Exception {
        Path node = temp.resolve("node");
        postgres(node, Optional.empty()).configure(true, Optional.of(new Upstream("pg-1", "127.0.0.3", 5433)));
        assertThat(node.resolve("tls")).doesNotExist();
        assertThat(Files.readString(node.resolve("data/pgha.conf")))
                .doesNotContain("ssl")
                .doesNotContain("sslmode");
        assertThat(Files.readString(node.resolve("data/pg_hba.conf"))).doesNotContain("hostssl");
    }

    @Test
    void withTlsTheDynamicConfigsPgHbaComesAfterTheRejectLinesSoPlaintextTcpStaysRefused() throws Exception {
        Path node = temp.resolve("node");
        ExtraSettings extra = new ExtraSettings();
        extra.files(List.of("host all all 0.0.0.0/0 trust"), List.of());
        postgres(node, Optional.of(good()), extra).configure(false, Optional.empty());
        List<String> hba = Files.readAllLines(node.resolve("data/pg_hba.conf"));
        int user = hba.indexOf("host all all 0.0.0.0/0 trust");
        assertThat(user).isEqualTo(hba.size() - 1);
        assertThat(hba.subList(0, user))
                .contains(
                        "hostnossl all all 0.0.0.0/0 reject",
                        "hostnossl all all ::/0 reject",
                        "hostnossl replication all 0.0.0.0/0 reject",
                        "hostnossl replication all ::/0 reject",
                        "hostssl replication \"replicator\" 127.0.0.0/8 scram-sha-256",
                        "hostssl all \"postgres\" 127.0.0.0/8 scram-sha-256")
                .noneMatch(l -> l.startsWith("host "));
    }
}
