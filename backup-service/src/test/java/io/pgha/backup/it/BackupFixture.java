package io.pgha.backup.it;

import io.pgha.core.ArchiveStatus;
import io.pgha.core.EtcdLayout;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.events.Lsn;
import io.pgha.local.LocalInfra;
import io.pgha.local.OsUser;
import io.pgha.local.PostgresNode;
import io.pgha.local.QuarkusService;
import io.pgha.local.Workspace;
import io.pgha.repository.Repository;
import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A primary and a streaming replica archiving WAL the way pgha's node-agent will, for backup-service's
 * ITs: PostgreSQL's archive_command copies each segment into a staging folder, and this fixture
 * (standing in for the agent) pushes it with {@link WalArchive} and writes both member keys in etcd
 * with their positions and the archiver's state.
 */
final class BackupFixture implements AutoCloseable {
    static final String CLUSTER = "demo";
    static final String TOKEN = "it-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final LocalInfra infra;
    final Workspace workspace;
    final PostgresNode primary;
    final PostgresNode replica;
    final Path repositoryDir;
    final Repository repository;
    final WalArchive archive;
    final List<String> etcd;
    final String kafka;
    private final Path staging;
    private final EtcdClusterStore store;
    private final long lease;
    private final Thread agent;
    private volatile boolean running = true;
    private volatile long archived;

    BackupFixture(LocalInfra infra) throws Exception {
        this.infra = infra;
        this.workspace = infra.workspace();
        this.etcd = infra.etcd(1).endpoints();
        this.kafka = infra.kafka().bootstrapServers();
        io.pgha.local.KafkaBroker.createTopics(kafka, io.pgha.events.Topics.ALL);
        OsUser pgUser = OsUser.forPostgres();
        this.staging = pgUser.ownedDir(workspace.dirReachableBy(pgUser, "wal-staging"));
        this.primary = infra.postgres("pg-0");
        primary.execute("ALTER SYSTEM SET archive_mode = on");
        primary.execute("ALTER SYSTEM SET archive_command = 'cp %p " + staging + "/%f.tmp && mv " + staging + "/%f.tmp "
                + staging + "/%f'");
        primary.stop();
        primary.start();
        this.replica = infra.replica("pg-1", primary);
        this.repositoryDir = workspace.dir("repository");
        this.repository = new Repository(
                new PosixBlobStore(repositoryDir), new ObjectCodec(Compression.ZSTD, Optional.empty()), 2);
        this.archive = repository.walArchive(CLUSTER);
        this.store = EtcdClusterStore.connect(etcd, EtcdLayout.of(CLUSTER), Duration.ofSeconds(3));
        this.lease = store.grantLease(Duration.ofSeconds(30));
        publishMembers();
        store.acquireLeader("pg-0", lease);
        this.agent = new Thread(this::agentLoop, "it-agent");
        agent.setDaemon(true);
        agent.start();
        infra.track(this);
    }

    /** The service's properties for this fixture. */
    Map<String, String> properties(String name) {
        return Map.ofEntries(
                Map.entry("kafka.bootstrap.servers", kafka),
                Map.entry("pgha.etcd.endpoints", String.join(",", etcd)),
                Map.entry("pgha.api.token", TOKEN),
                Map.entry("pgha.repository.type", "posix"),
                Map.entry("pgha.repository.path", repositoryDir.toString()),
                Map.entry("pgha.backup.name", name),
                Map.entry("pgha.backup.first-backup-at-once", "false"),
                Map.entry("pgha.backup.election-ttl", "4s"),
                Map.entry("pgha.backup.tick", "500ms"),
                Map.entry("pgha.backup.spool", workspace.dir("spool-" + name).toString()),
                Map.entry("pgha.backup.wal-wait", "60s"),
                Map.entry("pgha.backup.heartbeat-interval", "1s"),
                Map.entry("pgha.backup.archive-progress-interval", "1s"),
                Map.entry("pgha.postgres.bin-dir", PostgresNode.binDir().toString()),
                Map.entry("pgha.postgres.replication.username", PostgresNode.SUPERUSER),
                Map.entry("pgha.postgres.superuser.username", PostgresNode.SUPERUSER));
    }

    QuarkusService start(String name, Map<String, String> extra) {
        return infra.track(QuarkusService.builder(workspace, name, QuarkusService.ownJar())
                .properties(properties(name))
                .properties(extra)
                .start());
    }

    static HttpResponse<String> get(QuarkusService s, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(s.uri(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(QuarkusService s, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    long archivedCount() {
        return archived;
    }

    private void agentLoop() {
        long lastKeepAlive = 0;
        while (running) {
            try {
                pushStaged();
                publishMembers();
                if (System.nanoTime() - lastKeepAlive > 5_000_000_000L) {
                    store.keepAliveOnce(lease);
                    lastKeepAlive = System.nanoTime();
                }
            } catch (Exception e) {
                // the next round tries again; a test that needs the archive fails on its own deadline
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private String lastArchived;

    private void pushStaged() throws Exception {
        List<Path> ready;
        try (Stream<Path> files = Files.list(staging)) {
            ready = files.filter(p -> WalName.isValid(p.getFileName().toString()))
                    .sorted()
                    .toList();
        }
        for (Path file : ready) {
            String name = file.getFileName().toString();
            archive.push(WalName.parse(name), file);
            Files.delete(file);
            archived++;
            lastArchived = name;
        }
    }

    private void publishMembers() throws Exception {
        Lsn primaryLsn = Lsn.parse(String.valueOf(primary.queryValue("SELECT pg_current_wal_lsn()")));
        Lsn replicaLsn = Lsn.parse(String.valueOf(replica.queryValue("SELECT pg_last_wal_receive_lsn()")));
        ArchiveStatus archiveStatus =
                new ArchiveStatus(lastArchived, Instant.now().toString(), null, null, null, archived, 0, 0, null, null);
        store.putMember(
                "pg-0",
                new MemberStatus(
                        "postgres://" + primary.host() + ":" + primary.port() + "/postgres",
                        null,
                        MemberStatus.Role.PRIMARY,
                        "running",
                        1,
                        primaryLsn,
                        null,
                        null,
                        Map.of(),
                        null,
                        "it",
                        null,
                        archiveStatus),
                lease);
        store.putMember(
                "pg-1",
                new MemberStatus(
                        "postgres://" + replica.host() + ":" + replica.port() + "/postgres",
                        null,
                        MemberStatus.Role.REPLICA,
                        "running",
                        1,
                        null,
                        replicaLsn,
                        replicaLsn,
                        Map.of(),
                        null,
                        "it"),
                lease);
    }

    @Override
    public void close() {
        running = false;
        agent.interrupt();
        try {
            agent.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.revokeLease(lease);
        } catch (RuntimeException e) {
            // etcd may be gone already
        }
        store.close();
        repository.close();
    }
}
