package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.events.Lsn;
import io.pgha.local.AgentNodes;
import io.pgha.local.Commands;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.OsUser;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import io.pgha.repository.Repository;
import io.pgha.repository.catalog.BackupFiles;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.catalog.Catalog;
import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import io.pgha.system.BackupBenchReport.ArchiveSample;
import io.pgha.system.BackupBenchReport.BackupSample;
import io.pgha.system.BackupBenchReport.Setup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pgha's WAL archiving, base backup and restore side by side with pgBackRest 2.45 (Debian's package,
 * asynchronous archiving, the same parallelism and zstd level) and plain {@code pg_basebackup}, in one
 * run: (1) archive-push throughput while {@code pgbench -i} writes, (2) backup and restore time and
 * repository size of a pgbench database of scale {@code bench.scale} (130 is about 2 GB). Each part
 * runs {@code bench.runs} times (default 3) per system, the systems taking turns. The results replace
 * the "Backups: pgha vs pgBackRest" section of docs/benchmarks.md after every run and go to {@code
 * target/bench-backup.md}. The full measurement was run with:
 *
 * <pre>
 * flock /tmp/pgha-heavy.lock ./mvnw -o -B -pl system-tests -am verify -Dgroups=bench -Dpgha.excluded.groups=none \
 *   -Dit.test=BackupBenchIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *   -Dbench.scale=130 -Dbench.runs=3
 * </pre>
 *
 * <p>pgha's side is a node-agent with a posix repository (its archive_command is the agent's); its
 * base backup is what backup-service does, run by this test in-process: {@code pg_basebackup -Fp -X
 * none} into a staging folder, {@link BackupFiles#upload} (zstd, parallelism {@code bench.parallelism}),
 * complete once the backup's last WAL segment is in the archive; its restore {@link
 * BackupFiles#download}, the backup's WAL segments fetched from the archive into {@code pg_wal}, and a
 * start that recovers to consistency.
 */
@Tag("bench")
class BackupBenchIT {
    static final String COMMAND = "flock /tmp/pgha-heavy.lock ./mvnw -o -B -pl system-tests -am verify -Dgroups=bench "
            + "-Dpgha.excluded.groups=none -Dit.test=BackupBenchIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false "
            + "-Dfailsafe.failIfNoSpecifiedTests=false";
    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final int SCALE = Integer.getInteger("bench.scale", 130);
    private static final int ARCHIVE_SCALE =
            Integer.getInteger("bench.archive.scale", Math.max(5, Math.min(64, SCALE / 2)));
    private static final int PARALLELISM = Integer.getInteger("bench.parallelism", 4);
    private static final int ZSTD_LEVEL = 3;
    private static final String PGHA = "pgha";
    private static final String PGBACKREST = "pgBackRest";
    private static final String PLAIN = "plain pg_basebackup";
    private static final Map<String, String> SETTINGS =
            Map.of("shared_buffers", "128MB", "max_wal_size", "1GB", "fsync", "off");
    private static final Duration ARCHIVED = Duration.ofMinutes(15);
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter BACKUP_ID =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    private final List<ArchiveSample> archiveSamples = new CopyOnWriteArrayList<>();
    private final List<BackupSample> backupSamples = new CopyOnWriteArrayList<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private Instant started;
    private Instant finished;
    private String software = "";
    private BenchMachine machine;
    private long databaseBytes;
    private String pghaBackup = "";

    /** A primary whose archiving is measured: how to reach it and its data directory. */
    private record Primary(String system, String host, int port, Path dataDir) {
        String jdbcUrl() {
            return PostgresNode.jdbcUrl(host, port);
        }
    }

    @Test
    void archiveBackupAndRestoreOfPghaPgBackRestAndPlainPgBasebackup() throws Exception {
        started = Instant.now();
        PgBackRest.ensureInstalled();
        software = software();
        machine = BenchMachine.sampling();
        Workspace workspace = infra.workspace();
        OsUser user = OsUser.forPostgres();
        try {
            // pgha: one node-agent (the cluster's primary) archiving into a posix repository
            EtcdCluster etcd = infra.etcd(1);
            Path pghaRepo =
                    user.ownedDir(workspace.dirReachableBy(user, "repos").resolve("pgha"));
            Map<String, String> agentProperties = new java.util.LinkedHashMap<>();
            agentProperties.put("pgha.repository.type", "posix");
            agentProperties.put("pgha.repository.path", pghaRepo.toString());
            agentProperties.put("pgha.repository.compression", "zstd");
            agentProperties.put("pgha.repository.parallelism", Integer.toString(PARALLELISM));
            agentProperties.put("pgha.archive.push-ahead", Integer.toString(PARALLELISM));
            SETTINGS.forEach((k, v) -> agentProperties.put("pgha.postgres.parameters." + k, v));
            AgentNodes.Node agent;
            try {
                agent = AgentNodes.start(infra, "bench-0", etcd.endpoints(), null, agentProperties);
            } catch (IllegalStateException e) {
                // a node-agent without pgha.repository.* yet: measure what can be measured without it
                notes.add("pgha's node-agent did not start with pgha.repository.* and pgha.archive.* (" + firstLine(e)
                        + "); it was started without a repository");
                agentProperties
                        .keySet()
                        .removeIf(k -> k.startsWith("pgha.repository.") || k.startsWith("pgha.archive."));
                agent = AgentNodes.start(infra, "bench-0", "bench-0-norepo", etcd.endpoints(), null, agentProperties);
            }
            AgentNodes.Node pghaNode = agent;
            Wait.until(
                    Duration.ofSeconds(180),
                    "the pgha agent's PostgreSQL runs as primary",
                    () -> pghaNode.status("/primary") == 200);
            Primary pgha = new Primary(PGHA, agent.pgHost(), agent.pgPort(), agent.dataDir());
            boolean pghaArchives = "on".equals(agent.query("SHOW archive_mode"))
                    && !String.valueOf(agent.query("SHOW archive_command")).isBlank();
            if (!pghaArchives) {
                notes.add("pgha's node-agent did not turn archiving on (archive_mode "
                        + agent.query("SHOW archive_mode") + "): its WAL archive is not measured, and its base "
                        + "backups use pg_basebackup -X fetch instead of -X none");
            }
            Repository repository = new Repository(
                    new PosixBlobStore(pghaRepo), new ObjectCodec(Compression.ZSTD, Optional.empty()), PARALLELISM);
            WalArchive walArchive = repository.walArchive(AgentNodes.CLUSTER);
            BackupFiles backupFiles = repository.backupFiles(AgentNodes.CLUSTER);
            Catalog catalog = repository.catalog(AgentNodes.CLUSTER);

            // pgBackRest: a plain PostgreSQL primary with the same settings, archiving through pgBackRest
            PostgresNode node = infra.postgres("pgbackrest-0");
            PgBackRest pgBackRest = new PgBackRest(
                    workspace,
                    node.dataDir(),
                    node.dataDir().getParent().resolve("socket"),
                    node.port(),
                    PARALLELISM,
                    ZSTD_LEVEL);
            for (Map.Entry<String, String> s : SETTINGS.entrySet()) {
                node.execute("ALTER SYSTEM SET " + s.getKey() + " = '" + s.getValue() + "'");
            }
            node.execute("ALTER SYSTEM SET archive_mode = 'on'");
            node.execute("ALTER SYSTEM SET archive_command = '" + pgBackRest.archiveCommand() + "'");
            node.stop();
            node.start();
            pgBackRest.stanzaCreate();
            Primary backrest = new Primary(PGBACKREST, node.host(), node.port(), node.dataDir());

            // 1. archive push under pgbench -i
            List<Primary> archiving = pghaArchives ? List.of(pgha, backrest) : List.of(backrest);
            for (int run = 1; run <= RUNS; run++) {
                for (Primary primary : archiving) {
                    ArchiveSample sample = measureArchive(primary, run, walArchive, pgBackRest);
                    archiveSamples.add(sample);
                    System.out.println(line(sample));
                    writeReport();
                }
            }

            // 2. base backup and restore of the same pgbench database on both primaries
            for (Primary primary : List.of(pgha, backrest)) {
                long since = System.nanoTime();
                pgbench(primary, Duration.ofMinutes(60), "-i", "-s", Integer.toString(SCALE), "-q");
                System.out.printf(
                        Locale.ROOT,
                        "%s: pgbench -i -s %d in %.1f s%n",
                        primary.system(),
                        SCALE,
                        (System.nanoTime() - since) / 1e9);
            }
            databaseBytes = ((Number) node.queryValue("SELECT pg_database_size('postgres')")).longValue();
            for (Primary primary : archiving) {
                awaitArchived(primary, switchWal(primary), "the pgbench database's WAL");
            }
            for (int run = 1; run <= RUNS; run++) {
                backupSamples.add(print(
                        pghaBackupAndRestore(pgha, run, pghaArchives, walArchive, backupFiles, catalog, workspace)));
                writeReport();
                backupSamples.add(print(pgBackRestBackupAndRestore(backrest, run, pgBackRest, workspace)));
                writeReport();
                backupSamples.add(print(plainBackupAndRestore(backrest, run, workspace)));
                writeReport();
            }
        } finally {
            machine.close();
            finished = Instant.now();
            writeReport();
        }
        assertThat(notes).as("what went wrong beyond single runs").isEmpty();
        assertThat(archiveSamples.stream().filter(s -> !s.completed()).toList())
                .as("archive runs that failed")
                .isEmpty();
        assertThat(backupSamples.stream().filter(s -> !s.completed()).toList())
                .as("backup runs that failed")
                .isEmpty();
        assertThat(archiveSamples).as("archive runs done").hasSize(2 * RUNS);
        assertThat(backupSamples).as("backup runs done").hasSize(3 * RUNS);
    }

    // --- 1. archive push ---

    /**
     * One archive run on {@code primary}: waits until nothing is left to archive, runs {@code pgbench
     * -i}, switches WAL, and waits until the last segment is archived, sampling the archiver.
     */
    private ArchiveSample measureArchive(Primary primary, int run, WalArchive walArchive, PgBackRest pgBackRest) {
        System.out.println("\n===== archive, " + primary.system() + ", run " + run + " =====");
        try (ArchiverWatch watch = new ArchiverWatch(primary)) {
            Wait.until(
                    ARCHIVED,
                    primary.system() + ": no .ready file left before the run",
                    () -> readyCount(primary) == 0);
            ArchiverWatch.Point base = watch.sampleNow();
            watch.start();
            long loadStart = System.nanoTime();
            pgbench(primary, Duration.ofMinutes(30), "-i", "-s", Integer.toString(ARCHIVE_SCALE), "-q");
            long loadEnd = System.nanoTime();
            String target = switchWal(primary);
            Wait.until(ARCHIVED, primary.system() + ": " + target + " archived", () -> watch.reached(target)
                    .isPresent());
            ArchiverWatch.Point done = watch.reached(target).orElseThrow();
            boolean inRepository = primary.system().equals(PGHA)
                    ? walArchive.contains(WalName.parse(target))
                    : pgBackRestHas(pgBackRest, target);
            if (!inRepository) {
                throw new IllegalStateException(primary.system() + " reported " + target
                        + " archived (pg_stat_archiver) but the repository does not have it");
            }
            ArchiverWatch.Point first = watch.firstActivity(base).orElse(done);
            long segments = done.archived() - base.archived();
            return new ArchiveSample(
                    primary.system(),
                    run,
                    segments,
                    (done.nanos() - first.nanos()) / 1e9,
                    watch.maxReady(),
                    (loadEnd - loadStart) / 1e9,
                    Math.max(0, (done.nanos() - loadEnd) / 1e9),
                    done.failed() - base.failed(),
                    Optional.empty());
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            return new ArchiveSample(primary.system(), run, 0, 0, 0, 0, 0, 0, Optional.of(firstLine(e)));
        }
    }

    /** Samples pg_stat_archiver and the .ready files of a primary every 100 ms, on its own thread. */
    private static final class ArchiverWatch implements AutoCloseable {
        record Point(long nanos, int ready, long archived, String lastArchived, long failed) {}

        private final Primary primary;
        private final Connection connection;
        private final List<Point> points = new CopyOnWriteArrayList<>();
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "archiver-watch");
            t.setDaemon(true);
            return t;
        });

        ArchiverWatch(Primary primary) throws SQLException {
            this.primary = primary;
            this.connection = DriverManager.getConnection(primary.jdbcUrl());
        }

        void start() {
            sampler.scheduleWithFixedDelay(
                    () -> {
                        try {
                            points.add(sampleNow());
                        } catch (SQLException | RuntimeException e) {
                            System.err.println(primary.system() + ": archiver sample failed: " + e);
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
        }

        synchronized Point sampleNow() throws SQLException {
            int ready = readyCount(primary);
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT archived_count, last_archived_wal, failed_count FROM pg_stat_archiver")) {
                rs.next();
                return new Point(System.nanoTime(), ready, rs.getLong(1), rs.getString(2), rs.getLong(3));
            }
        }

        /** The first sample in which {@code segment} (or a later one) was the last archived. */
        Optional<Point> reached(String segment) {
            return points.stream()
                    .filter(p -> p.lastArchived() != null
                            && p.lastArchived().length() >= 24
                            && p.lastArchived().substring(0, 24).compareTo(segment) >= 0)
                    .findFirst();
        }

        /** The first sample with a .ready file or a segment archived since {@code base}. */
        Optional<Point> firstActivity(Point base) {
            return points.stream()
                    .filter(p -> p.ready() > 0 || p.archived() > base.archived())
                    .findFirst();
        }

        int maxReady() {
            return points.stream().mapToInt(Point::ready).max().orElse(0);
        }

        @Override
        public void close() {
            sampler.shutdownNow();
            try {
                sampler.awaitTermination(5, TimeUnit.SECONDS);
                connection.close();
            } catch (SQLException e) {
                // closing a monitoring connection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int readyCount(Primary primary) {
        try (Stream<Path> files = Files.list(primary.dataDir().resolve("pg_wal").resolve("archive_status"))) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".ready"))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the current WAL segment ({@code pg_switch_wal()}): returns the name of the last segment written. */
    private static String switchWal(Primary primary) throws SQLException {
        String segment = (String)
                PostgresNode.queryValue(primary.jdbcUrl(), "SELECT pg_walfile_name(pg_current_wal_insert_lsn())");
        PostgresNode.queryValue(primary.jdbcUrl(), "SELECT pg_switch_wal()");
        return segment;
    }

    private static void awaitArchived(Primary primary, String segment, String what) {
        Wait.until(ARCHIVED, primary.system() + ": " + what + " archived (up to " + segment + ")", () -> {
            Object last = PostgresNode.queryValue(primary.jdbcUrl(), "SELECT last_archived_wal FROM pg_stat_archiver");
            return last instanceof String s
                    && s.length() >= 24
                    && s.substring(0, 24).compareTo(segment) >= 0;
        });
    }

    private static boolean pgBackRestHas(PgBackRest pgBackRest, String segment) throws IOException {
        Path archive = pgBackRest.repository().resolve("archive").resolve(PgBackRest.STANZA);
        try (Stream<Path> files = Files.walk(archive)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(segment + "-"));
        }
    }

    // --- 2. backup and restore ---

    private BackupSample pghaBackupAndRestore(
            Primary primary,
            int run,
            boolean archives,
            WalArchive walArchive,
            BackupFiles backupFiles,
            Catalog catalog,
            Workspace workspace) {
        System.out.println("\n===== backup and restore, pgha, run " + run + " =====");
        OsUser user = OsUser.forPostgres();
        Path staging = workspace.dirReachableBy(user, "staging").resolve("pgha-" + run);
        String name = "pgha-restore-" + run;
        try {
            pghaBackup = "`pg_basebackup -Fp -X " + (archives ? "none" : "fetch")
                    + " -c fast --no-sync` into a staging folder, `BackupFiles.upload` (one object per file, zstd, "
                    + PARALLELISM + " at a time), complete once the backup's last WAL segment is in the agent's "
                    + "archive (run by the benchmark in-process, as backup-service does it); restore "
                    + "`BackupFiles.download` (" + PARALLELISM + " at a time), the backup's WAL segments fetched from "
                    + "the archive into `pg_wal`, `chown` to the postgres user, start (recovery to consistency from "
                    + "`backup_label`)";
            Instant startedAt = Instant.now();
            long t0 = System.nanoTime();
            user.ownedDir(staging);
            List<String> command = new ArrayList<>(user.commandPrefix());
            command.addAll(List.of(
                    PostgresNode.binDir().resolve("pg_basebackup").toString(),
                    "--dbname=host=" + primary.host() + " port=" + primary.port() + " user=" + PostgresNode.SUPERUSER,
                    "-D",
                    staging.toString(),
                    "-Fp",
                    "-X",
                    archives ? "none" : "fetch",
                    "-c",
                    "fast",
                    "--no-sync"));
            Commands.run(command, Duration.ofMinutes(60)).orThrow();
            int timeline = Integer.parseInt(labelValue(staging, "START TIMELINE"));
            String startLocation = labelValue(staging, "START WAL LOCATION");
            Lsn start = Lsn.parse(startLocation.substring(0, startLocation.indexOf(' ')));
            Lsn stop = manifestEndLsn(staging);
            WalName startWal = WalName.segmentOf(timeline, start);
            WalName stopWal = WalName.segmentOf(timeline, new Lsn(stop.value() - 1));
            String id = BACKUP_ID.format(startedAt) + "-r" + run;
            BackupRecord record = BackupRecord.running(id, AgentNodes.CLUSTER, "bench", "bench-0", startedAt);
            catalog.save(record);
            BackupFiles.Content content = backupFiles.upload(id, staging);
            if (archives) {
                Wait.until(ARCHIVED, "pgha: " + stopWal + " in the archive", () -> walArchive.contains(stopWal));
            }
            record = record.withContent(
                            timeline,
                            start,
                            stop,
                            startWal.name(),
                            stopWal.name(),
                            Instant.now(),
                            "",
                            15,
                            "zstd",
                            false,
                            content.directories(),
                            content.files())
                    .withState(BackupState.COMPLETE, null, Instant.now());
            catalog.save(record);
            double backupSeconds = (System.nanoTime() - t0) / 1e9;
            Workspace.deleteRecursively(staging);

            Path dataDir = nodeDataDir(workspace, name);
            long t1 = System.nanoTime();
            backupFiles.download(record, dataDir);
            if (archives) {
                Path pgWal = Files.createDirectories(dataDir.resolve("pg_wal"));
                for (WalName wal = startWal; wal.compareTo(stopWal) <= 0; wal = wal.next()) {
                    if (!walArchive.fetch(wal, pgWal.resolve(wal.name()))) {
                        throw new IllegalStateException(
                                "pgha's archive lacks " + wal + " that backup " + id + " needs");
                    }
                }
            }
            archiveOff(dataDir);
            chownToPostgres(dataDir);
            double restoreSeconds = startRestored(workspace, name, t1);
            return new BackupSample(PGHA, run, backupSeconds, restoreSeconds, record.storedSize(), Optional.empty());
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            return new BackupSample(PGHA, run, 0, 0, 0, Optional.of(firstLine(e)));
        } finally {
            Workspace.deleteRecursively(staging);
            Workspace.deleteRecursively(nodeDir(workspace, name));
        }
    }

    private BackupSample pgBackRestBackupAndRestore(
            Primary primary, int run, PgBackRest pgBackRest, Workspace workspace) {
        System.out.println("\n===== backup and restore, pgBackRest, run " + run + " =====");
        String name = "pgbackrest-restore-" + run;
        try {
            long before = size(pgBackRest.backups());
            long t0 = System.nanoTime();
            pgBackRest.fullBackup();
            double backupSeconds = (System.nanoTime() - t0) / 1e9;
            long added = size(pgBackRest.backups()) - before;

            Path dataDir = OsUser.forPostgres().ownedDir(nodeDataDir(workspace, name));
            long t1 = System.nanoTime();
            pgBackRest.restoreImmediate(dataDir);
            archiveOff(dataDir);
            double restoreSeconds = startRestored(workspace, name, t1);
            return new BackupSample(PGBACKREST, run, backupSeconds, restoreSeconds, added, Optional.empty());
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            return new BackupSample(PGBACKREST, run, 0, 0, 0, Optional.of(firstLine(e)));
        } finally {
            Workspace.deleteRecursively(nodeDir(workspace, name));
        }
    }

    private BackupSample plainBackupAndRestore(Primary primary, int run, Workspace workspace) {
        System.out.println("\n===== backup and restore, plain pg_basebackup, run " + run + " =====");
        OsUser user = OsUser.forPostgres();
        Path copy = workspace.dirReachableBy(user, "staging").resolve("plain-" + run);
        String name = "plain-restore-" + run;
        try {
            long t0 = System.nanoTime();
            user.ownedDir(copy);
            List<String> command = new ArrayList<>(user.commandPrefix());
            command.addAll(List.of(
                    PostgresNode.binDir().resolve("pg_basebackup").toString(),
                    "--dbname=host=" + primary.host() + " port=" + primary.port() + " user=" + PostgresNode.SUPERUSER,
                    "-D",
                    copy.toString(),
                    "-Fp",
                    "-X",
                    "stream",
                    "-c",
                    "fast"));
            Commands.run(command, Duration.ofMinutes(60)).orThrow();
            double backupSeconds = (System.nanoTime() - t0) / 1e9;
            long bytes = size(copy);

            Path dataDir = nodeDataDir(workspace, name);
            long t1 = System.nanoTime();
            Files.createDirectories(dataDir.getParent());
            Commands.run(List.of("cp", "-a", copy.toString(), dataDir.toString()), Duration.ofMinutes(60))
                    .orThrow();
            archiveOff(dataDir);
            double restoreSeconds = startRestored(workspace, name, t1);
            return new BackupSample(PLAIN, run, backupSeconds, restoreSeconds, bytes, Optional.empty());
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            return new BackupSample(PLAIN, run, 0, 0, 0, Optional.of(firstLine(e)));
        } finally {
            Workspace.deleteRecursively(copy);
            Workspace.deleteRecursively(nodeDir(workspace, name));
        }
    }

    /**
     * Starts PostgreSQL on a restored data directory and waits until it accepts connections (then the
     * restore's clock, started at {@code since}, stops); checks the pgbench rows outside the timing
     * and stops it.
     */
    private static double startRestored(Workspace workspace, String name, long since) throws SQLException {
        PostgresNode restored = PostgresNode.primary(workspace, PostgresNode.Placement.loopback(name));
        double seconds = (System.nanoTime() - since) / 1e9;
        try {
            Object rows = restored.queryValue("SELECT count(*) FROM pgbench_accounts");
            assertThat(((Number) rows).longValue())
                    .as(name + ": pgbench_accounts rows")
                    .isEqualTo(100_000L * SCALE);
        } finally {
            restored.stop();
        }
        System.out.printf(Locale.ROOT, "  %s accepted connections %.1f s after the restore began%n", name, seconds);
        return seconds;
    }

    /** Where PostgresNode keeps a node's folder. */
    private static Path nodeDir(Workspace workspace, String name) {
        return workspace.dirReachableBy(OsUser.forPostgres(), "postgres").resolve(name);
    }

    private static Path nodeDataDir(Workspace workspace, String name) {
        return nodeDir(workspace, name).resolve("data");
    }

    /** A restored copy must not archive into the source's repository: archive_mode off, last in auto.conf. */
    private static void archiveOff(Path dataDir) throws IOException {
        Files.writeString(
                dataDir.resolve("postgresql.auto.conf"),
                "\n# BackupBenchIT: a restored copy does not archive\narchive_mode = 'off'\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static void chownToPostgres(Path dir) {
        OsUser user = OsUser.forPostgres();
        if (!user.name().equals(System.getProperty("user.name"))) {
            Commands.run(
                            List.of("chown", "-R", user.name() + ":" + user.name(), dir.toString()),
                            Duration.ofMinutes(10))
                    .orThrow();
        }
    }

    private static String labelValue(Path backup, String key) throws IOException {
        return Files.readAllLines(backup.resolve("backup_label")).stream()
                .filter(l -> l.startsWith(key + ":"))
                .map(l -> l.substring(key.length() + 1).strip())
                .findFirst()
                .orElseThrow(() -> new IOException("backup_label of " + backup + " has no " + key));
    }

    private static Lsn manifestEndLsn(Path backup) throws IOException {
        JsonNode ranges =
                Json.MAPPER.readTree(backup.resolve("backup_manifest").toFile()).path("WAL-Ranges");
        if (!ranges.isArray() || ranges.isEmpty()) {
            throw new IOException("backup_manifest of " + backup + " has no WAL-Ranges");
        }
        return Lsn.parse(ranges.get(ranges.size() - 1).path("End-LSN").asText());
    }

    private static long size(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        }
    }

    private static void pgbench(Primary primary, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(OsUser.forPostgres().commandPrefix());
        command.add(PostgresNode.binDir().resolve("pgbench").toString());
        command.addAll(List.of(args));
        command.addAll(List.of(
                "-h",
                primary.host(),
                "-p",
                Integer.toString(primary.port()),
                "-U",
                PostgresNode.SUPERUSER,
                "postgres"));
        Commands.run(command, Map.of("PGCONNECT_TIMEOUT", "5"), timeout).orThrow();
    }

    // --- the machine and the report ---

    private static String software() {
        Function<List<String>, String> firstLine = BenchMachine::firstLine;
        return String.join(
                ", ",
                "Linux " + firstLine.apply(List.of("uname", "-r")),
                "OpenJDK " + System.getProperty("java.version"),
                firstLine.apply(
                        List.of(PostgresNode.binDir().resolve("postgres").toString(), "--version")),
                PgBackRest.version());
    }

    private synchronized void writeReport() {
        Setup setup = new Setup(
                RUNS,
                SCALE,
                databaseBytes,
                ARCHIVE_SCALE,
                PARALLELISM,
                pghaBackup,
                List.of(PGHA, PGBACKREST),
                List.of(PGHA, PGBACKREST, PLAIN));
        String section = BackupBenchReport.render(
                setup,
                archiveSamples,
                backupSamples,
                machine.describe(
                        software, started, finished, COMMAND + " -Dbench.scale=" + SCALE + " -Dbench.runs=" + RUNS),
                notes,
                BackupBenchReport.verdict(setup, archiveSamples, backupSamples));
        BenchMachine.publish("bench-backup.md", BackupBenchReport.HEADING, section);
    }

    private static BackupSample print(BackupSample s) {
        System.out.println(s.system() + ", run " + s.run() + ": "
                + s.error()
                        .map(e -> "FAILED: " + e)
                        .orElse(String.format(
                                Locale.ROOT,
                                "backup %.1f s, restore %.1f s, repository +%s",
                                s.backupSeconds(),
                                s.restoreSeconds(),
                                BackupBenchReport.mib(s.repositoryBytes()))));
        return s;
    }

    private static String line(ArchiveSample s) {
        return s.system() + ", archive run " + s.run() + ": "
                + s.error()
                        .map(e -> "FAILED: " + e)
                        .orElse(String.format(
                                Locale.ROOT,
                                "%d segments in %.1f s (%.2f/s), backlog max %d, load %.1f s, drain %.1f s, %d failures",
                                s.segments(),
                                s.seconds(),
                                s.segmentsPerSecond(),
                                s.maxBacklog(),
                                s.loadSeconds(),
                                s.drainSeconds(),
                                s.failures()));
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }
}
