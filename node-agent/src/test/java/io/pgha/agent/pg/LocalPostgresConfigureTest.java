package io.pgha.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link LocalPostgres#configure} writes into the data directory (files only: no PostgreSQL runs). */
class LocalPostgresConfigureTest {
    @TempDir
    Path temp;

    private LocalPostgres postgres(Path nodeDir, Map<String, String> parameters) throws Exception {
        return postgres(nodeDir, parameters, new ExtraSettings());
    }

    private LocalPostgres postgres(Path nodeDir, Map<String, String> parameters, ExtraSettings extra) throws Exception {
        Path data = Files.createDirectories(nodeDir.resolve("data"));
        return new LocalPostgres(
                new PgSettings(
                        "pg-0",
                        data,
                        Path.of("/usr/lib/postgresql/15/bin"),
                        "127.0.0.1",
                        5432,
                        "127.0.0.0/8",
                        false,
                        parameters,
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
                        Optional.empty()),
                new ProcessRunner(),
                extra);
    }

    private static String conf(Path nodeDir) throws Exception {
        return Files.readString(nodeDir.resolve("data/pgha.conf"));
    }

    @Test
    void aBackslashInAValueIsEscapedSoThatItCannotSwallowTheClosingQuote() throws Exception {
        Path node = temp.resolve("node");
        postgres(node, Map.of("search_path", "a\\", "application_name", "it's")).configure(false, Optional.empty());
        assertThat(conf(node)).contains("search_path = 'a\\\\'\n").contains("application_name = 'it''s'\n");
    }

    @Test
    void theDynamicConfigsParametersAreWrittenAndAMembersOwnSettingWins() throws Exception {
        Path node = temp.resolve("node");
        ExtraSettings extra = new ExtraSettings();
        extra.dynamic(Map.of("work_mem", "16MB", "max_connections", "200", "search_path", "\"$user\", it's"));
        postgres(node, Map.of("work_mem", "8MB"), extra).configure(false, Optional.empty());
        String conf = conf(node);
        assertThat(conf)
                .contains("max_connections = '200'\n")
                .doesNotContain("max_connections = '50'")
                .contains("search_path = '\"$user\", it''s'\n");
        assertThat(conf).contains("work_mem = '8MB'\n").doesNotContain("work_mem = '16MB'");
    }

    @Test
    void aControlCharacterInAParameterStopsTheAgentAtStartNamingItAndNothingIsWritten() throws Exception {
        Path node = temp.resolve("node");
        assertThatThrownBy(() -> postgres(node, Map.of("work_mem", "4MB'\narchive_command = 'rm -rf /")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("work_mem")
                .hasMessageContaining("control character");
        assertThat(node.resolve("data/pgha.conf")).doesNotExist();
    }

    @Test
    void aParameterNameThatIsNotAnIdentifierStopsTheAgentAtStart() throws Exception {
        Path node = temp.resolve("node");
        assertThatThrownBy(() -> postgres(node, Map.of("work_mem = '1MB' #", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.postgres.parameters");
    }

    @Test
    void aSynchronousStandbyNamesWithANewlineIsRefused() throws Exception {
        Path node = temp.resolve("node");
        LocalPostgres pg = postgres(node, Map.of());
        pg.prepareSynchronousStandbyNames("FIRST 1 (\"a\")'\nlisten_addresses = '*");
        assertThatThrownBy(() -> pg.configure(false, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("synchronous_standby_names");
    }

    @Test
    void primaryConninfoQuotesEveryValueSoAPathWithASpaceStaysOneValue() throws Exception {
        Path node = temp.resolve("node dir");
        postgres(node, Map.of()).configure(true, Optional.of(new Upstream("pg-1", "10.0.0.1", 5433)));
        String conf = conf(node);
        assertThat(conf)
                .contains("primary_conninfo = 'host=''10.0.0.1'' port=''5433'' user=''replicator''"
                        + " application_name=''pg-0'' connect_timeout=''3'' passfile=''" + node.toAbsolutePath()
                        + "/pgpass'''\n")
                .contains("primary_slot_name = 'pg_0'\n");
    }

    @Test
    void theUnixSocketLivesInAPrivateDirectory() throws Exception {
        Path node = temp.resolve("node");
        postgres(node, Map.of()).configure(false, Optional.empty());
        Path socketDir = node.toAbsolutePath().resolve("socket");
        assertThat(conf(node))
                .contains("unix_socket_directories = '" + socketDir + "'\n")
                .contains("unix_socket_permissions = '0700'\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketDir)))
                .isEqualTo("rwx------");
    }

    @Test
    void withPasswordsNoTcpLineOfPgHbaTrustsAnyone() throws Exception {
        Path node = temp.resolve("node");
        postgres(node, Map.of()).configure(false, Optional.empty());
        String hba = Files.readString(node.resolve("data/pg_hba.conf"));
        assertThat(hba.lines().filter(l -> l.startsWith("host"))).allMatch(l -> l.endsWith(" scram-sha-256"));
        assertThat(hba).contains("host replication \"replicator\" 127.0.0.0/8 scram-sha-256");
    }

    @Test
    void missingPasswordsStopTheAgentAtStartNamingTheProperties() throws Exception {
        Path data = Files.createDirectories(temp.resolve("node/data"));
        assertThatThrownBy(() -> new LocalPostgres(
                        new PgSettings(
                                "pg-0",
                                data,
                                Path.of("/usr/lib/postgresql/15/bin"),
                                "127.0.0.1",
                                5432,
                                "127.0.0.0/8",
                                false,
                                Map.of(),
                                "postgres",
                                Optional.of("su"),
                                "replicator",
                                Optional.empty(),
                                "pgha_monitor",
                                Optional.empty(),
                                false,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(3),
                                "pgha_pooler",
                                Optional.empty()),
                        new ProcessRunner()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.postgres.replication.password")
                .hasMessageContaining("pgha.postgres.monitoring.password")
                .hasMessageNotContaining("pgha.postgres.superuser.password")
                .hasMessageContaining("pgha.postgres.allow-trust=true");
    }

    @Test
    void withTheTrustOptInTcpTrustsTheAllowedNetwork() throws Exception {
        Path data = Files.createDirectories(temp.resolve("node/data"));
        new LocalPostgres(
                        new PgSettings(
                                "pg-0",
                                data,
                                Path.of("/usr/lib/postgresql/15/bin"),
                                "127.0.0.1",
                                5432,
                                "127.0.0.0/8",
                                false,
                                Map.of(),
                                "postgres",
                                Optional.empty(),
                                "replicator",
                                Optional.empty(),
                                "pgha_monitor",
                                Optional.empty(),
                                true,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(3),
                                "pgha_pooler",
                                Optional.empty()),
                        new ProcessRunner())
                .configure(false, Optional.empty());
        String hba = Files.readString(data.resolve("pg_hba.conf"));
        assertThat(hba.lines().filter(l -> l.startsWith("host"))).hasSize(3).allMatch(l -> l.endsWith(" trust"));
        assertThat(Files.readString(data.resolve("pgha.conf"))).doesNotContain("password_encryption");
    }

    @Test
    void aPasswordWithANewlineStopsTheAgentAtStartWithoutShowingIt() throws Exception {
        Path data = Files.createDirectories(temp.resolve("node/data"));
        assertThatThrownBy(() -> new LocalPostgres(
                        new PgSettings(
                                "pg-0",
                                data,
                                Path.of("/usr/lib/postgresql/15/bin"),
                                "127.0.0.1",
                                5432,
                                "127.0.0.0/8",
                                false,
                                Map.of(),
                                "postgres",
                                Optional.of("su"),
                                "replicator",
                                Optional.of("first-line\nsecond-line"),
                                "pgha_monitor",
                                Optional.of("mon"),
                                false,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(3),
                                "pgha_pooler",
                                Optional.empty()),
                        new ProcessRunner()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.postgres.replication.password")
                .hasMessageNotContaining("first-line");
    }

    @Test
    void theDynamicConfigsPgHbaComesAfterPghasOwnLinesAndReplacesItsHostAllAll() throws Exception {
        Path node = temp.resolve("node");
        ExtraSettings extra = new ExtraSettings();
        extra.files(
                List.of("host all bob 127.0.0.0/8 reject", "host all all 127.0.0.0/8 scram-sha-256"),
                List.of("certs alice bob"));
        postgres(node, Map.of(), extra).configure(false, Optional.empty());
        assertThat(Files.readAllLines(node.resolve("data/pg_hba.conf")))
                .containsExactly(
                        "# written by the pgha node-agent",
                        "local all all trust",
                        "local replication all trust",
                        "host replication \"replicator\" 127.0.0.0/8 scram-sha-256",
                        "host replication \"postgres\" 127.0.0.0/8 scram-sha-256",
                        "host all \"postgres\" 127.0.0.0/8 scram-sha-256",
                        "host all \"pgha_monitor\" 127.0.0.0/8 scram-sha-256",
                        "host all \"pgha_pooler\" 127.0.0.0/8 scram-sha-256",
                        "# postgresql.pg_hba of the dynamic config (after pgha's own lines: the first match wins)",
                        "host all bob 127.0.0.0/8 reject",
                        "host all all 127.0.0.0/8 scram-sha-256");
        assertThat(Files.readAllLines(node.resolve("data/pg_ident.conf")))
                .containsExactly(
                        "# written by the pgha node-agent from postgresql.pg_ident of the dynamic config",
                        "certs alice bob");
    }

    @Test
    void withoutPgHbaLinesTheAgentsOwnFileComesBack() throws Exception {
        Path node = temp.resolve("node");
        ExtraSettings extra = new ExtraSettings();
        LocalPostgres pg = postgres(node, Map.of(), extra);
        extra.files(List.of("host all all 127.0.0.0/8 reject"), List.of("m a b"));
        pg.configure(false, Optional.empty());
        extra.files(List.of(), List.of());
        pg.configure(false, Optional.empty());
        assertThat(Files.readString(node.resolve("data/pg_hba.conf")))
                .contains("host all all 127.0.0.0/8 scram-sha-256\n")
                .doesNotContain("reject")
                .doesNotContain("pgha_monitor");
        assertThat(Files.readAllLines(node.resolve("data/pg_ident.conf")))
                .containsExactly("# written by the pgha node-agent from postgresql.pg_ident of the dynamic config");
    }

    @Test
    void aBadLineThatReachesTheAgentIsRefusedAndTheFilesWrittenBeforeAreKept() throws Exception {
        Path node = temp.resolve("node");
        ExtraSettings extra = new ExtraSettings();
        LocalPostgres pg = postgres(node, Map.of(), extra);
        extra.files(List.of("host all bob 127.0.0.0/8 reject"), List.of());
        pg.configure(false, Optional.empty());
        String hba = Files.readString(node.resolve("data/pg_hba.conf"));
        String conf = conf(node);
        extra.files(List.of("host all bob 127.0.0.0/8 reject", "include /etc/passwd"), List.of());
        assertThatThrownBy(() -> pg.configure(false, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgresql.pg_hba[1] \"include /etc/passwd\": include names a file");
        extra.files(List.of(), List.of("m a\nm b c"));
        assertThatThrownBy(() -> pg.configure(false, Optional.empty()))
                .hasMessageContaining("postgresql.pg_ident[0]")
                .hasMessageContaining("control character");
        assertThat(Files.readString(node.resolve("data/pg_hba.conf"))).isEqualTo(hba);
        assertThat(conf(node)).isEqualTo(conf);
    }
}
