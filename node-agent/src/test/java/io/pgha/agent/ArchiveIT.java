package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.pgha.core.ArchiveStatus;
import io.pgha.core.EtcdLayout;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.OsUser;
import io.pgha.local.Wait;
import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Three agents archiving WAL to a posix repository in the test workspace through their own
 * endpoints (archive_command is curl to the agent): segments reach the repository, a conflicting
 * object is refused with 409 and kept, an unavailable repository makes pushes fail loudly while WAL
 * stays in pg_wal and everything archives once it is back, and after a switchover the new primary
 * archives its timeline with no change of configuration, as after a failover from a frozen primary.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    @RegisterExtension
    static final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> ArchiveIT.nodes);

    private static final Duration HEALTHY = Duration.ofSeconds(90);
    private static final Duration ARCHIVED = Duration.ofSeconds(60);
    private static EtcdCluster etcd;
    private static EtcdClusterStore store;
    private static List<Node> nodes;
    private static Path repo;
    private static WalArchive archive;

    @BeforeAll
    static void startCluster() throws Exception {
        etcd = infra.etcd(1);
        store = AgentNodes.store(etcd.endpoints());
        repo = infra.workspace().dir("backups").resolve("repo");
        var properties = AgentNodes.posixRepository(repo);
        nodes = AgentNodes.startAll(infra, List.of("node0", "node1", "node2"), etcd.endpoints(), properties);
        archive = new WalArchive(
                new PosixBlobStore(repo), new ObjectCodec(Compression.ZSTD, Optional.empty()), AgentNodes.CLUSTER);
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    @Order(1)
    void segmentsOfThePrimaryReachTheRepositoryThroughItsAgent() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Lsn from = lsn(primary.query("SELECT pg_current_wal_lsn()::text"));
        primary.execute("CREATE TABLE IF NOT EXISTS t (id int, pad text)");
        primary.execute("INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 50000) g");
        Lsn to = switchWal(primary);
        awaitArchived(1, from, to);

        MemberStatus status = store.read().member(primary.name()).orElseThrow().status();
        Wait.until(Duration.ofSeconds(10), "the archive status in " + primary.name() + "'s member key", () -> {
            ArchiveStatus a = archiveOf(primary);
            return a != null && a.archivedCount() > 0 && a.lastArchivedWal() != null && a.conflict() == null;
        });
        assertThat(status.role()).isEqualTo(MemberStatus.Role.PRIMARY);
        assertThat(primary.patroni().path("archive").path("archived_count").asLong())
                .isPositive();
        // every member got the same settings: a new primary archives with no change
        for (Node n : nodes) {
            assertThat(n.query("SHOW archive_mode")).isEqualTo("on");
            assertThat(String.valueOf(n.query("SHOW archive_command"))).contains("/wal/archive/%f");
            assertThat(String.valueOf(n.query("SHOW restore_command"))).contains("/wal/restore/%f");
        }
        // the token's header file is outside the data directory, private to PostgreSQL's user
        Path header = primary.dataDir().getParent().resolve("wal-auth.header");
        assertThat(Files.getPosixFilePermissions(header)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(OsUser.forPostgres().owns(header)).isTrue();
        assertThat(Files.exists(primary.dataDir().resolve("wal-auth.header"))).isFalse();
        // the endpoints want the archive token: neither none nor the REST token will do
        assertThat(primary.send("POST", "/wal/archive/" + WalName.ofSegment(1, 1), null)
                        .statusCode())
                .isEqualTo(401);
        assertThat(primary.send("GET", "/wal/restore/" + WalName.ofSegment(1, 1), AgentNodes.TOKEN)
                        .statusCode())
                .isEqualTo(401);
        String token = Files.readString(header).strip().substring("Authorization: Bearer ".length());
        assertThat(primary.send("POST", "/wal/archive/..%2Fpg_control", token).statusCode())
                .isEqualTo(400);
        assertThat(primary.send("GET", "/wal/restore/" + WalName.segmentOf(1, from), token)
                        .statusCode())
                .isEqualTo(200);
        assertThat(primary.send("GET", "/wal/restore/0000000100000000000000FF", token)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    @Order(2)
    void differentContentUnderTheNextSegmentsNameIsRefusedAndKept() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        primary.execute("INSERT INTO t SELECT g, 'conflict' FROM generate_series(1, 100) g");
        WalName next = WalName.parse(String.valueOf(primary.query("SELECT pg_walfile_name(pg_current_wal_lsn())")));
        Path other = infra.workspace().dir("scratch").resolve("other-segment");
        byte[] random = new byte[16 * 1024 * 1024];
        new Random(42).nextBytes(random);
        Files.write(other, random);
        archive.push(next, other);
        ownedByPostgres(repo);
        byte[] placed = Files.readAllBytes(repo.resolve(archive.key(next)));
        long failedBefore = failedCount(primary);

        switchWal(primary);
        Wait.until(ARCHIVED, "a 409 for " + next + " in " + primary.name() + "'s member key", () -> {
            ArchiveStatus a = archiveOf(primary);
            return a != null
                    && a.failedCount() > failedBefore
                    && next.name().equals(a.lastFailedWal())
                    && a.conflict() != null
                    && a.conflict().contains("different content");
        });
        assertThat(Files.readAllBytes(repo.resolve(archive.key(next)))).isEqualTo(placed);
        assertThat(Files.readString(primary.dataDir().getParent().resolve("postgresql.log")))
                .contains("archive command failed");

        // the operator removes the foreign object: the real segment is archived and the conflict clears
        archive.delete(next);
        Lsn to = switchWal(primary);
        awaitArchived(1, next.startLsn(), to);
        Wait.until(ARCHIVED, "the conflict cleared", () -> archiveOf(primary).conflict() == null);
        assertThat(Files.readAllBytes(repo.resolve(archive.key(next)))).isNotEqualTo(placed);
    }

    @Test
    @Order(3)
    void anUnavailableRepositoryFailsLoudlyKeepsTheWalAndEverythingArchivesOnceItIsBack() throws Exception {
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Lsn from = lsn(primary.query("SELECT pg_current_wal_lsn()::text"));
        long failedBefore = failedCount(primary);
        Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("---------"));
        Lsn to;
        try {
            for (int i = 0; i < 3; i++) {
                primary.execute("INSERT INTO t SELECT g, 'outage' FROM generate_series(1, 1000) g");
                switchWal(primary);
            }
            to = switchWal(primary);
            Wait.until(ARCHIVED, "failed pushes in " + primary.name() + "'s member key", () -> {
                ArchiveStatus a = archiveOf(primary);
                return a != null && a.failedCount() > failedBefore && a.lastFailure() != null && a.queued() > 0;
            });
            // PostgreSQL keeps what it could not archive
            assertThat((Long) primary.query("SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'"))
                    .isPositive();
            assertThat(archiveOf(primary).lastFailure()).contains("could not push");
        } finally {
            Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("rwx------"));
        }
        primary.execute("INSERT INTO t VALUES (-1, 'back')");
        Lsn end = switchWal(primary); // wakes the archiver, which waits up to a minute after failures
        awaitArchived(1, from, end.compareTo(to) > 0 ? end : to);
        Wait.until(ARCHIVED, "nothing left to archive", () -> archiveOf(primary).queued() == 0);
    }

    @Test
    @Order(4)
    void afterASwitchoverTheNewPrimaryArchivesItsTimelineWithNoConfigChange() throws Exception {
        Node old = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Node candidate = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        try (Client client = Client.builder()
                .endpoints(etcd.endpoints().toArray(String[]::new))
                .build()) {
            assertThat(CoordinatorStandIn.switchover(client, layout, store, old.name(), candidate.name()))
                    .isTrue();
        }
        Node primary = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        assertThat(primary).isSameAs(candidate);
        int timeline = ((Number) primary.query("SELECT timeline_id FROM pg_control_checkpoint()")).intValue();
        assertThat(timeline).isGreaterThan(1);
        Lsn from = lsn(primary.query("SELECT pg_current_wal_lsn()::text"));
        primary.execute("INSERT INTO t SELECT g, 'timeline 2' FROM generate_series(1, 1000) g");
        Lsn to = switchWal(primary);
        Wait.until(
                ARCHIVED,
                "the history file of timeline " + timeline + " in the repository",
                () -> archive.contains(WalName.historyOf(timeline)));
        awaitArchived(timeline, from, to);
        Wait.until(Duration.ofSeconds(10), "the new primary's archive status", () -> {
            ArchiveStatus a = archiveOf(primary);
            return a != null && a.archivedCount() > 0 && a.conflict() == null;
        });
    }

    @Test
    @Order(5)
    void afterAFailoverFromAFrozenPrimaryTheNewPrimaryArchivesItsTimeline() throws Exception {
        Node old = AgentNodes.awaitHealthy(nodes, store, HEALTHY);
        Node next = nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        int oldTimeline = ((Number) old.query("SELECT timeline_id FROM pg_control_checkpoint()")).intValue();
        old.agent().process().signal(io.pgha.local.Signal.STOP); // its PostgreSQL keeps running
        try {
            EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
            long lease = store.read().member(next.name()).orElseThrow().lease();
            try (Client client = Client.builder()
                    .endpoints(etcd.endpoints().toArray(String[]::new))
                    .build()) {
                assertThat(client.getKVClient()
                                .txn()
                                .If(new Cmp(bytes(layout.leader()), Cmp.Op.EQUAL, CmpTarget.value(bytes(old.name()))))
                                .Then(Op.put(
                                        bytes(layout.leader()),
                                        bytes(next.name()),
                                        PutOption.builder().withLeaseId(lease).build()))
                                .commit()
                                .get(10, TimeUnit.SECONDS)
                                .isSucceeded())
                        .isTrue();
            }
            Wait.until(
                    Duration.ofSeconds(30),
                    next.name() + " promoted",
                    () -> Boolean.FALSE.equals(next.query("SELECT pg_is_in_recovery()")));
            Wait.until(
                    Duration.ofSeconds(30),
                    next.name() + " on a new timeline",
                    () -> ((Number) next.query("SELECT timeline_id FROM pg_control_checkpoint()")).intValue()
                            > oldTimeline);
            int timeline = ((Number) next.query("SELECT timeline_id FROM pg_control_checkpoint()")).intValue();
            Lsn from = lsn(next.query("SELECT pg_current_wal_lsn()::text"));
            next.execute("INSERT INTO t SELECT g, 'after the failover' FROM generate_series(1, 1000) g");
            Lsn to = switchWal(next);
            Wait.until(
                    ARCHIVED,
                    "the history file of timeline " + timeline,
                    () -> archive.contains(WalName.historyOf(timeline)));
            awaitArchived(timeline, from, to);
        } finally {
            old.agent().process().signal(io.pgha.local.Signal.CONT);
        }
        assertThat(AgentNodes.awaitHealthy(nodes, store, HEALTHY)).isSameAs(next);
        Wait.until(Duration.ofSeconds(10), "the new primary's archive status without a conflict", () -> {
            ArchiveStatus a = archiveOf(next);
            return a != null && a.archivedCount() > 0 && a.conflict() == null;
        });
    }

    // --- helpers ---

    private static Lsn switchWal(Node primary) throws Exception {
        primary.execute("INSERT INTO t VALUES (0, 'switch')");
        return lsn(primary.query("SELECT pg_switch_wal()::text"));
    }

    /** Waits until every segment of {@code timeline} from the one holding {@code from} to the one before {@code to} is archived. */
    private static void awaitArchived(int timeline, Lsn from, Lsn to) {
        WalName first = WalName.segmentOf(timeline, from);
        WalName last = WalName.segmentOf(timeline, new Lsn(to.value() - 1));
        Wait.until(ARCHIVED, "every segment from " + first + " to " + last + " in the repository", () -> {
            List<String> missing = new ArrayList<>();
            for (WalName n = first; n.compareTo(last) <= 0; n = n.next()) {
                if (!archive.contains(n)) {
                    missing.add(n.name());
                }
            }
            return missing.isEmpty();
        });
    }

    private static ArchiveStatus archiveOf(Node node) {
        return store.read()
                .member(node.name())
                .map(MemberEntry::status)
                .map(MemberStatus::archive)
                .orElse(null);
    }

    private static long failedCount(Node node) {
        ArchiveStatus a = archiveOf(node);
        return a == null ? 0 : a.failedCount();
    }

    private static Lsn lsn(Object text) {
        return Lsn.parse(String.valueOf(text));
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** What the test itself wrote into the repository (as root) is handed to the agents' user. */
    private static void ownedByPostgres(Path dir) throws IOException {
        UserPrincipal owner = Files.getOwner(repo);
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setOwner(p, owner);
            }
        }
    }
}
