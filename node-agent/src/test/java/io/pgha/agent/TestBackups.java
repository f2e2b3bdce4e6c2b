package io.pgha.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.events.Lsn;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.Commands;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.pgha.repository.catalog.BackupFiles;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.catalog.Catalog;
import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.BlobStore;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A base backup for tests, without backup-service: {@code pg_basebackup -Fp -X none} from a primary
 * into a scratch folder, its files uploaded with the repository's {@link BackupFiles}, and a COMPLETE
 * {@link BackupRecord} saved in the catalog once the WAL it needs is archived.
 */
final class TestBackups {
    private static final Pattern START =
            Pattern.compile("START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+) \\(file ([0-9A-F]{24})\\)");
    private static final Pattern TIMELINE = Pattern.compile("START TIMELINE: ([0-9]+)");

    private TestBackups() {}

    /** Takes, uploads and catalogs a backup of {@code primary} (cluster {@code cluster}) in the posix repository {@code repo}. */
    static BackupRecord take(Node primary, Path repo, String cluster, Path scratch) throws Exception {
        BackupRecord record = take(primary, new PosixBlobStore(repo), cluster, scratch);
        ownedLikeRoot(repo);
        return record;
    }

    /** Takes, uploads and catalogs a backup of {@code primary} (cluster {@code cluster}) in {@code store}. */
    static BackupRecord take(Node primary, BlobStore store, String cluster, Path scratch) throws Exception {
        String id = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path dir = scratch.resolve("basebackup-" + id);
        Instant started = Instant.now();
        Commands.run(
                        List.of(
                                PostgresNode.binDir().resolve("pg_basebackup").toString(),
                                "-h",
                                primary.pgHost(),
                                "-p",
                                Integer.toString(primary.pgPort()),
                                "-U",
                                PostgresNode.SUPERUSER,
                                "-D",
                                dir.toString(),
                                "-Fp",
                                "-X",
                                "none",
                                "-c",
                                "fast",
                                "--no-sync"),
                        Duration.ofMinutes(5))
                .orThrow();
        Instant stopped = Instant.now();
        String label = Files.readString(dir.resolve("backup_label"));
        Matcher start = START.matcher(label);
        Matcher tl = TIMELINE.matcher(label);
        if (!start.find() || !tl.find()) {
            throw new IllegalStateException("cannot read backup_label: " + label);
        }
        int timeline = Integer.parseInt(tl.group(1));
        JsonNode range = Json.MAPPER
                .readTree(dir.resolve("backup_manifest").toFile())
                .path("WAL-Ranges")
                .get(0);
        Lsn startLsn = Lsn.parse(start.group(1));
        Lsn stopLsn = Lsn.parse(range.path("End-LSN").asText());
        WalName stopWal = WalName.segmentOf(timeline, new Lsn(stopLsn.value() - 1));
        Files.delete(dir.resolve("backup_manifest"));

        ObjectCodec codec = new ObjectCodec(Compression.ZSTD, Optional.empty());
        WalArchive archive = new WalArchive(store, codec, cluster);
        try {
            Wait.until(
                    Duration.ofSeconds(60),
                    "the backup's last WAL segment " + stopWal + " archived",
                    () -> archive.contains(stopWal));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    e.getMessage() + "; pg_stat_archiver: "
                            + primary.query(
                                    "SELECT row(archived_count, last_archived_wal, failed_count, last_failed_wal)::text"
                                            + " FROM pg_stat_archiver")
                            + "; archive_command: " + primary.query("SHOW archive_command") + "; archived: "
                            + archive.list() + "; in " + store.describe() + ": " + store.list(""),
                    e);
        }
        Catalog catalog = new Catalog(store, cluster);
        BackupFiles.Content content = new BackupFiles(store, codec, catalog, 4).upload(id, dir);
        BackupRecord record = BackupRecord.running(id, cluster, "test", primary.name(), started)
                .withContent(
                        timeline,
                        startLsn,
                        stopLsn,
                        start.group(2),
                        stopWal.name(),
                        stopped,
                        String.valueOf(primary.query("SELECT system_identifier::text FROM pg_control_system()")),
                        15,
                        "zstd",
                        false,
                        content.directories(),
                        content.files())
                .withState(BackupState.COMPLETE, null, Instant.now());
        catalog.save(record);
        return record;
    }

    /** What the test wrote into the repository (as root) is handed to the owner of the repository's folder. */
    static void ownedLikeRoot(Path repo) throws IOException {
        UserPrincipal owner = Files.getOwner(repo);
        try (Stream<Path> walk = Files.walk(repo)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setOwner(p, owner);
            }
        }
    }
}
