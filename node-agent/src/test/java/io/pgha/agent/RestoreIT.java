package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.S3Server;
import io.pgha.local.Wait;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.BlobStore;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.store.S3BlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Point-in-time restore into a new cluster: one agent archives cluster {@code it}; a base backup is
 * taken (pg_basebackup, uploaded by the test); rows are written before and after a time T; a new
 * cluster {@code restored} bootstrapped from the repository to T has exactly the rows committed
 * before T, runs as its own primary on a new timeline and archives under its own name.
 */
class RestoreIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final List<Node> started = new ArrayList<>();

    @RegisterExtension
    static final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> started);

    private static final String RESTORED = "restored";
    private static final String REPLICAS = "replicas";
    private static EtcdCluster etcd;

    @org.junit.jupiter.api.BeforeAll
    static void startEtcd() {
        etcd = infra.etcd(1);
    }

    @Test
    void aNewClusterRestoredToTimeTHasExactlyTheRowsCommittedBeforeT() throws Exception {
        Path repo = infra.workspace().dir("backups").resolve("repo");
        restoreToTime(AgentNodes.posixRepository(repo), new PosixBlobStore(repo), "restored", () -> {
            try {
                TestBackups.ownedLikeRoot(repo);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void theSameFromAnS3Repository() throws Exception {
        S3Server s3 = infra.s3();
        // the agents run as the user PostgreSQL runs as: the secret must be theirs to read
        io.pgha.local.OsUser pgUser = io.pgha.local.OsUser.forPostgres();
        Path secrets = pgUser.ownedDir(infra.workspace().dirReachableBy(pgUser, "s3-secrets"));
        Map<String, String> repository = s3.repositoryProperties("pgha-restore-it", secrets.resolve("secret"));
        TestBackups.ownedLikeRoot(secrets);
        S3BlobStore store = S3BlobStore.open(new S3BlobStore.Settings(
                Optional.of(java.net.URI.create(s3.endpoint())),
                "pgha-restore-it",
                "us-east-1",
                "",
                true,
                s3.accessKey(),
                s3.secretKey()));
        try (store) {
            restoreToTime(repository, store, "restored-s3", () -> {});
        }
    }

    /**
     * Rows before and after T in a source cluster that archives into {@code repository} (reached by the
     * test through {@code store}); a new cluster {@code restoredName} restored to T has exactly the rows
     * committed before T. {@code afterUpload} runs once the test wrote into the repository.
     */
    private void restoreToTime(
            Map<String, String> repository, BlobStore blobs, String restoredName, Runnable afterUpload)
            throws Exception {
        boolean first = restoredName.equals(RESTORED);
        String sourceName = first ? "src0" : "src-" + restoredName;
        String sourceCluster = first ? AgentNodes.CLUSTER : "src-" + restoredName;
        Map<String, String> sourceProperties = new LinkedHashMap<>(repository);
        sourceProperties.put("pgha.cluster", sourceCluster);
        try (EtcdClusterStore store = EtcdClusterStore.connect(
                        etcd.endpoints(), EtcdLayout.of(sourceCluster), Duration.ofSeconds(5));
                EtcdClusterStore restoredStore = EtcdClusterStore.connect(
                        etcd.endpoints(), EtcdLayout.of(restoredName), Duration.ofSeconds(5))) {
            Node source = AgentNodes.start(infra, sourceName, etcd.endpoints(), null, sourceProperties);
            started.add(source);
            AgentNodes.awaitHealthy(List.of(source), store, Duration.ofSeconds(60));
            source.execute("CREATE TABLE pitr (id int PRIMARY KEY, phase text)");
            source.execute("INSERT INTO pitr SELECT g, 'before backup' FROM generate_series(1, 1000) g");
            BackupRecord backup = TestBackups.take(
                    source, blobs, sourceCluster, infra.workspace().dir("scratch"));
            afterUpload.run();
            source.execute("INSERT INTO pitr SELECT g, 'after backup' FROM generate_series(1001, 1500) g");
            String t = String.valueOf(
                    source.query("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            source.execute("INSERT INTO pitr SELECT g, 'after T' FROM generate_series(1501, 2000) g");
            Lsn end = Lsn.parse(String.valueOf(source.query("SELECT pg_switch_wal()::text")));
            WalArchive sourceArchive = archive(blobs, sourceCluster);
            WalName last = WalName.segmentOf(1, new Lsn(end.value() - 1));
            Wait.until(Duration.ofSeconds(60), last + " archived", () -> sourceArchive.contains(last));

            EtcdLayout layout = EtcdLayout.of(restoredName);
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("id", "restore-1");
            request.put("source_cluster", sourceCluster);
            request.put("backup_id", null);
            request.put("target", Map.of("time", t));
            try (Client client = Client.builder()
                    .endpoints(etcd.endpoints().toArray(String[]::new))
                    .build()) {
                client.getKVClient()
                        .put(bytes(layout.restoreRequest()), bytes(Json.write(request)))
                        .get(10, TimeUnit.SECONDS);
                Map<String, String> properties = new LinkedHashMap<>(repository);
                properties.put("pgha.cluster", restoredName);
                properties.put("pgha.bootstrap.method", "repository");
                Node restored = AgentNodes.start(infra, "r0", restoredName + "-r0", etcd.endpoints(), null, properties);
                started.add(restored);

                JsonNode[] status = new JsonNode[1];
                Wait.until(Duration.ofSeconds(120), "the restore status completed", () -> {
                    var kvs = client.getKVClient()
                            .get(bytes(layout.restoreStatus()))
                            .get(5, TimeUnit.SECONDS)
                            .getKvs();
                    if (kvs.isEmpty()) {
                        return false;
                    }
                    status[0] = Json.MAPPER.readTree(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
                    if (status[0].path("state").asText().equals("failed")) {
                        throw new AssertionError("the restore failed: " + status[0]);
                    }
                    return status[0].path("state").asText().equals("completed");
                });
                assertThat(status[0].path("id").asText()).isEqualTo("restore-1");
                assertThat(status[0].path("backup_id").asText()).isEqualTo(backup.id());
                assertThat(status[0].path("timeline").asLong()).isGreaterThan(1);
                assertThat(status[0].path("restored_lsn").asText()).isNotEmpty();

                AgentNodes.awaitHealthy(List.of(restored), restoredStore, Duration.ofSeconds(60));
                assertThat(restored.query("SELECT count(*) FROM pitr")).isEqualTo(1500L);
                assertThat(restored.query("SELECT count(*) FROM pitr WHERE phase = 'after T'"))
                        .isEqualTo(0L);
                assertThat(restored.query("SELECT max(id) FROM pitr")).isEqualTo(1500);
                MemberStatus member = restoredStore
                        .read()
                        .member("r0")
                        .map(MemberEntry::status)
                        .orElseThrow();
                assertThat(member.role()).isEqualTo(MemberStatus.Role.PRIMARY);
                assertThat(restoredStore.read().initialize())
                        .contains(String.valueOf(
                                restored.query("SELECT system_identifier::text FROM pg_control_system()")));
                // the new cluster archives under its own name, on its own timeline
                int timeline = (int) status[0].path("timeline").asLong();
                WalArchive own = archive(blobs, restoredName);
                Wait.until(
                        Duration.ofSeconds(60),
                        "the new cluster's history file in its own archive",
                        () -> own.contains(WalName.historyOf(timeline)));
                assertThat(String.valueOf(restored.query("SHOW restore_command")))
                        .doesNotContain("cluster=");
                // the source is untouched: still all its rows
                assertThat(source.query("SELECT count(*) FROM pitr")).isEqualTo(2000L);
            }
        }
    }

    @Test
    void aNewReplicaStartsFromTheNewestBackupAndCatchesUpFromTheArchiveAndTheLeader() throws Exception {
        Path repo = infra.workspace().dir("backups-replica").resolve("repo");
        Map<String, String> repository = new LinkedHashMap<>(AgentNodes.posixRepository(repo));
        repository.put("pgha.cluster", REPLICAS);
        try (EtcdClusterStore store =
                EtcdClusterStore.connect(etcd.endpoints(), EtcdLayout.of(REPLICAS), Duration.ofSeconds(5))) {
            Node primary = AgentNodes.start(infra, "p0", etcd.endpoints(), null, repository);
            started.add(primary);
            AgentNodes.awaitHealthy(List.of(primary), store, Duration.ofSeconds(60));
            primary.execute("CREATE TABLE rows (id int PRIMARY KEY)");
            primary.execute("INSERT INTO rows SELECT generate_series(1, 1000)");
            BackupRecord backup =
                    TestBackups.take(primary, repo, REPLICAS, infra.workspace().dir("scratch-replica"));
            primary.execute("INSERT INTO rows SELECT generate_series(1001, 3000)");
            primary.query("SELECT pg_switch_wal()");
            primary.execute("INSERT INTO rows SELECT generate_series(3001, 3500)"); // not archived yet: streamed

            Map<String, String> properties = new LinkedHashMap<>(repository);
            properties.put("pgha.bootstrap.replica-method", "repository");
            Node replica = AgentNodes.start(infra, "p1", etcd.endpoints(), null, properties);
            started.add(replica);
            Node leader = AgentNodes.awaitHealthy(List.of(primary, replica), store, Duration.ofSeconds(90));
            assertThat(leader).isSameAs(primary);
            Wait.until(Duration.ofSeconds(30), "every row on the replica", () -> Long.valueOf(3500)
                    .equals(replica.query("SELECT count(*) FROM rows")));
            primary.execute("INSERT INTO rows VALUES (-1)");
            Wait.until(Duration.ofSeconds(30), "a new row streamed to the replica", () -> Long.valueOf(3501)
                    .equals(replica.query("SELECT count(*) FROM rows")));
            assertThat(java.nio.file.Files.readString(replica.agent().process().log()))
                    .contains("restored backup " + backup.id() + " as this replica's data directory")
                    .doesNotContain("pg_basebackup --dbname");
        }
    }

    private static WalArchive archive(Path repo, String cluster) throws Exception {
        return archive(new PosixBlobStore(repo), cluster);
    }

    private static WalArchive archive(BlobStore store, String cluster) {
        return new WalArchive(store, new ObjectCodec(Compression.ZSTD, Optional.empty()), cluster);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
