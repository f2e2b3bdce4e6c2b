package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.ArchiveStatus;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.BackupEvent;
import io.pgha.events.EventCodec;
import io.pgha.events.PghaEvent;
import io.pgha.events.Topics;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import io.pgha.local.cli.LocalCluster;
import io.pgha.local.cli.LocalPorts;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backups against the whole suite as {@code ./pgha up} starts it (on free ports in a temporary
 * folder): the first base backup taken at {@code up}, WAL archived by the agents into the posix
 * repository across a switchover (a timeline switch) and across an outage of the repository, and a
 * point-in-time restore with {@code ./pgha restore --time T} into a new cluster that holds exactly the
 * rows committed before T.
 */
@Tag("backup")
class BackupScenariosIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final String CLUSTER = LocalCluster.CLUSTER;
    private static final Duration HEALTHY = Duration.ofSeconds(150);

    private static LocalCluster cluster;
    private static LocalPorts ports;
    private static EtcdClusterStore store;
    private static String password;
    private static String token;

    @BeforeAll
    static void startTheSuite() {
        Workspace workspace = infra.workspace();
        ports = LocalPorts.free();
        cluster = new LocalCluster(workspace, ports, new PrintStream(System.out, true, StandardCharsets.UTF_8));
        infra.track(() -> cluster.down(false));
        cluster.up();
        password = cluster.superuserPassword();
        token = cluster.apiToken();
        store = EtcdClusterStore.connect(cluster.etcdAccess(), EtcdLayout.of(CLUSTER), Duration.ofSeconds(5));
        infra.track(store);
    }

    @AfterAll
    static void printBackupServiceStatus() throws Exception {
        if (cluster != null) {
            System.out.println("backup-service status: "
                    + get("/api/v1/clusters/" + CLUSTER + "/status").body());
        }
    }

    /** Each restore's one-member cluster uses the same ports: it is stopped after its test. */
    @AfterEach
    void stopTheRestoredCluster() {
        for (String member : List.of("restored-0", "undrop-0")) {
            try {
                cluster.service(member).stop();
            } catch (IllegalArgumentException notStarted) {
                // this test did not restore into it
            }
        }
    }

    @Test
    void pointInTimeRestoreAcrossASwitchoverAndARepositoryOutageHasExactlyTheRowsBeforeT() throws Exception {
        assertThat(Json.MAPPER.readTree(
                        get("/api/v1/clusters/" + CLUSTER + "/backups").body()))
                .as("up took a complete base backup")
                .anySatisfy(b -> assertThat(b.path("state").asText()).isEqualTo("COMPLETE"));

        execute("CREATE TABLE pitr (id int PRIMARY KEY, phase text NOT NULL)");
        insert(1, 100, "before the switchover");

        String old = leader();
        String candidate = LocalCluster.members().stream()
                .filter(m -> !m.equals(old))
                .findFirst()
                .orElseThrow();
        HttpResponse<String> switched = cluster.httpClient()
                .send(
                        HttpRequest.newBuilder(cluster.service(
                                                LocalCluster.coordinators().get(0))
                                        .uri("/api/v1/clusters/" + CLUSTER + "/switchover"))
                                .header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(90))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"leader\":\"" + old + "\",\"candidate\":\"" + candidate + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(switched.statusCode()).as(switched.body()).isEqualTo(200);
        Wait.until(
                HEALTHY,
                "writes through :" + ports.readWrite() + " reach " + candidate,
                () -> candidate.equals(PostgresNode.queryValue(readWrite(), "SELECT current_setting('cluster_name')")));
        insert(101, 200, "after the switchover");

        // the repository becomes unwritable for the agents: archiving fails, WAL stays in pg_wal, and T
        // lies inside the outage
        Path walFolder = cluster.home().resolve("backups").resolve(CLUSTER).resolve("wal");
        assertThat(walFolder).isDirectory();
        String target;
        try (KafkaConsumer<String, byte[]> backupEvents = KafkaBroker.fromBeginning(
                cluster.kafka().clientProperties(io.pgha.events.KafkaAcls.ADMIN), List.of(Topics.BACKUP.name()))) {
            Files.setPosixFilePermissions(walFolder, PosixFilePermissions.fromString("---------"));
            try {
                insert(201, 300, "during the outage");
                execute("SELECT pg_switch_wal()");
                Wait.until(Duration.ofSeconds(60), "the primary's archiver reports failures in its member key", () -> {
                    ArchiveStatus archive = archiveOf(candidate);
                    return archive != null && archive.failedCount() > 0 && archive.lastFailure() != null;
                });
                Wait.until(
                        Duration.ofSeconds(60),
                        "a WalArchiveFailed event on " + Topics.BACKUP.name(),
                        () -> events(backupEvents).stream().anyMatch(e -> e instanceof BackupEvent.WalArchiveFailed));
                insert(301, 400, "during the outage, before T");
                target = String.valueOf(PostgresNode.queryValue(
                        readWrite(),
                        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
                String t = target;
                // the next commits come strictly after T on the server's clock
                Wait.until(Duration.ofSeconds(5), "the server's clock has passed T", () -> (Boolean)
                        PostgresNode.queryValue(readWrite(), "SELECT clock_timestamp() > '" + t + "'::timestamptz"));
                insert(401, 500, "during the outage, after T");
            } finally {
                Files.setPosixFilePermissions(walFolder, PosixFilePermissions.fromString("rwx------"));
            }
        }
        String lastSegment =
                String.valueOf(PostgresNode.queryValue(readWrite(), "SELECT pg_walfile_name(pg_current_wal_lsn())"));
        execute("SELECT pg_switch_wal()");
        Wait.until(Duration.ofSeconds(90), "the repository is back: " + lastSegment + " is archived", () -> {
            ArchiveStatus archive = archiveOf(candidate);
            return archive != null
                    && archive.lastArchivedWal() != null
                    && archive.lastArchivedWal().compareTo(lastSegment) >= 0;
        });

        cluster.restore(List.of("restore", "--time", target));

        String restored = restored();
        assertThat(rows(restored))
                .as("the restored cluster has exactly the rows committed before T")
                .isEqualTo(expectedIds(1, 400));
        assertThat(PostgresNode.queryValue(restored, "SELECT pg_is_in_recovery()"))
                .as("the restored cluster runs as its own primary")
                .isEqualTo(false);
        assertThat(rows(readWrite())).isEqualTo(expectedIds(1, 500));
    }

    /**
     * The README's case, as a new user runs it: a table dropped by mistake, {@code ./pgha restore --time T}
     * with T a moment before the drop and nothing else done (no manual WAL switch): the restored cluster
     * has the table with every row.
     */
    @Test
    void aDroppedTableComesBackWithARestoreToAMomentBeforeTheDrop() throws Exception {
        execute("CREATE TABLE orders (id int PRIMARY KEY)");
        execute("INSERT INTO orders SELECT generate_series(1, 1000)");
        String target = String.valueOf(PostgresNode.queryValue(
                readWrite(),
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        Wait.until(Duration.ofSeconds(5), "the server's clock has passed T", () -> (Boolean)
                PostgresNode.queryValue(readWrite(), "SELECT clock_timestamp() > '" + target + "'::timestamptz"));
        execute("DROP TABLE orders");

        cluster.restore(List.of("restore", "--time", target, "--cluster", "undrop"));

        String restored = restored();
        assertThat(PostgresNode.queryValue(restored, "SELECT count(*) FROM orders"))
                .as("the dropped table is back with every row")
                .isEqualTo(1000L);
        // the restored member is secured like the others (issue 21): TLS verified against the CA, plaintext refused
        assertThat(PostgresNode.queryValue(restored, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                .isEqualTo(Boolean.TRUE);
        java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.sql.SQLException.class,
                () -> PostgresNode.queryValue(
                        PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.restoredPostgres()) + "&sslmode=disable&password="
                                + password,
                        "SELECT 1"));
        assertThat(refused.getMessage()).contains("no encryption");
    }

    private static List<Integer> expectedIds(int from, int to) {
        List<Integer> ids = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            ids.add(i);
        }
        return ids;
    }

    private static List<Integer> rows(String url) throws Exception {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM pitr ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    private static void insert(int from, int to, String phase) throws Exception {
        execute("INSERT INTO pitr SELECT i, '" + phase + "' FROM generate_series(" + from + ", " + to + ") i");
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(readWrite());
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String readWrite() {
        return PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readWrite()) + cluster.jdbcTlsParameters() + "&password="
                + password;
    }

    /** The restored cluster's primary, verified against the CA like the others' (the restore secures it too). */
    private static String restored() {
        return PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.restoredPostgres()) + cluster.jdbcTlsParameters()
                + "&password=" + password;
    }

    private static String leader() {
        return store.read()
                .leader()
                .orElseThrow(() -> new AssertionError("no leader key"))
                .member();
    }

    private static ArchiveStatus archiveOf(String member) {
        MemberEntry entry = store.read().members().get(member);
        return entry == null || entry.status() == null ? null : entry.status().archive();
    }

    private static final List<PghaEvent> SEEN = new ArrayList<>();

    private static List<PghaEvent> events(KafkaConsumer<String, byte[]> consumer) {
        EventCodec codec = new EventCodec();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            Header type = record.headers().lastHeader("ce_type");
            if (type != null) {
                try {
                    SEEN.add(codec.decode(new String(type.value(), StandardCharsets.UTF_8), record.value()));
                } catch (RuntimeException e) {
                    // not ours to judge here
                }
            }
        }
        return SEEN;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return cluster.httpClient()
                .send(
                        HttpRequest.newBuilder(cluster.service("backup-service").uri(path))
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
