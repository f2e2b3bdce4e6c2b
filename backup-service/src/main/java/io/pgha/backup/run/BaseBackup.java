package io.pgha.backup.run;

import io.pgha.backup.decide.BackupPosition;
import io.pgha.backup.decide.SourceChoice.Choice;
import io.pgha.events.BackupEvent;
import io.pgha.events.PghaEvent;
import io.pgha.repository.catalog.BackupFiles;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.catalog.Catalog;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Takes one base backup of a cluster, as a list of named steps: record RUNNING, copy with
 * pg_basebackup, verify, read the WAL range, switch WAL on the primary, upload, wait for the needed
 * WAL in the archive, record COMPLETE. Any failure records FAILED with the reason and removes the
 * backup's objects; the spool copy is removed in every case. Between steps it checks that this
 * instance is still the cluster's active backup-service, and stops when not.
 */
final class BaseBackup {
    private static final Logger LOG = Logger.getLogger(BaseBackup.class);

    /** Everything a backup run needs (one per cluster). */
    record Context(
            String cluster,
            String owner,
            Catalog catalog,
            BackupFiles files,
            WalArchive archive,
            String compression,
            boolean encrypted,
            PgTools tools,
            PrimarySql sql,
            Credentials replication,
            Path spool,
            java.util.Optional<String> maxRate,
            Duration basebackupTimeout,
            Duration walWait,
            Consumer<PghaEvent> events,
            BooleanSupplier active,
            Clock clock) {}

    /** The run stopped because this instance is no longer the active one. */
    static final class NotActive extends RuntimeException {
        NotActive() {
            super("this instance lost the backup election of the cluster: the run stops, the new active"
                    + " backup-service removes what it left");
        }
    }

    private final Context ctx;

    BaseBackup(Context ctx) {
        this.ctx = ctx;
    }

    /** Takes backup {@code id} from {@code choice}: the COMPLETE record, or the FAILED one. */
    BackupRecord run(String id, Choice choice) {
        Path dir = ctx.spool().resolve(ctx.cluster()).resolve(id);
        BackupRecord record = BackupRecord.running(id, ctx.cluster(), ctx.owner(), choice.source(), now());
        Instant started = record.startedAt();
        try {
            record = writeRunning(record);
            copy(choice, dir);
            verify(dir);
            BackupPosition position = position(dir);
            switchWal(choice);
            BackupFiles.Content content = upload(id, dir);
            record = saveContent(record, position, content, dir);
            awaitWal(position);
            record = complete(record);
            ctx.events()
                    .accept(new BackupEvent.BaseBackupCompleted(
                            ctx.cluster(),
                            id,
                            choice.source(),
                            record.timeline(),
                            record.startLsn(),
                            record.stopLsn(),
                            record.storedSize(),
                            started,
                            now()));
            LOG.infof(
                    "backup %s complete: %d files, %d bytes (%d stored), WAL %s..%s",
                    id, record.files().size(), record.size(), record.storedSize(), record.startWal(), record.stopWal());
            return record;
        } catch (NotActive e) {
            LOG.warnf("backup %s stopped: %s", id, e.getMessage());
            return record.withState(BackupState.FAILED, e.getMessage(), now());
        } catch (Exception e) {
            return fail(record, reason(e));
        } finally {
            removeSpool(dir);
        }
    }

    private BackupRecord writeRunning(BackupRecord record) throws IOException {
        ensureActive();
        ctx.catalog().save(record);
        ctx.events().accept(new BackupEvent.BaseBackupStarted(ctx.cluster(), record.id(), record.member(), now()));
        LOG.infof("backup %s started from %s", record.id(), record.member());
        return record;
    }

    private void copy(Choice choice, Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        removeSpool(dir);
        Path pgpass = dir.resolveSibling(dir.getFileName() + ".pgpass");
        try {
            ctx.tools()
                    .basebackup(
                            Endpoint.of(choice.source(), choice.sourceStatus().connUrl()),
                            ctx.replication(),
                            pgpass,
                            dir,
                            ctx.maxRate(),
                            ctx.basebackupTimeout());
        } finally {
            Files.deleteIfExists(pgpass);
        }
        ensureActive();
    }

    private void verify(Path dir) throws IOException {
        ctx.tools().verifybackup(dir, ctx.basebackupTimeout());
        ensureActive();
    }

    private static BackupPosition position(Path dir) throws IOException {
        Path manifest = dir.resolve("backup_manifest");
        if (!Files.exists(manifest)) {
            throw new IOException("pg_basebackup wrote no backup_manifest in " + dir);
        }
        return BackupPosition.fromManifest(Files.readString(manifest, StandardCharsets.UTF_8));
    }

    private void switchWal(Choice choice) throws SQLException {
        String segment = ctx.sql()
                .switchWal(Endpoint.of(choice.primary(), choice.primaryStatus().connUrl()));
        LOG.debugf("WAL switched on %s (was writing %s)", choice.primary(), segment);
    }

    private BackupFiles.Content upload(String id, Path dir) throws IOException {
        BackupFiles.Content content = ctx.files().upload(id, dir);
        ensureActive();
        return content;
    }

    private BackupRecord saveContent(
            BackupRecord record, BackupPosition position, BackupFiles.Content content, Path dir) throws IOException {
        String sysid = ctx.tools().systemIdentifier(dir, Duration.ofSeconds(30));
        int version =
                Integer.parseInt(Files.readString(dir.resolve("PG_VERSION")).strip());
        BackupRecord withContent = record.withContent(
                position.startTimeline(),
                position.startLsn(),
                position.stopLsn(),
                position.startWal().name(),
                position.stopWal().name(),
                now(),
                sysid,
                version,
                ctx.compression(),
                ctx.encrypted(),
                content.directories(),
                content.files());
        ctx.catalog().save(withContent);
        return withContent;
    }

    /** pgBackRest's rule: a backup is complete only when every segment it needs is archived. */
    private void awaitWal(BackupPosition position) throws IOException, InterruptedException {
        List<WalName> missing = new ArrayList<>(position.neededWal());
        Instant deadline = now().plus(ctx.walWait());
        while (true) {
            while (!missing.isEmpty() && ctx.archive().contains(missing.get(0))) {
                missing.remove(0);
            }
            if (missing.isEmpty()) {
                return;
            }
            ensureActive();
            if (now().isAfter(deadline)) {
                throw new IOException("WAL segment " + missing.get(0) + " (of "
                        + position.neededWal().size()
                        + " the backup needs) did not reach the archive within " + ctx.walWait()
                        + ": check the primary's archiving (GET .../status, WalArchiveFailed events)");
            }
            Thread.sleep(500);
        }
    }

    private BackupRecord complete(BackupRecord record) throws IOException {
        ensureActive();
        BackupRecord done = record.withState(BackupState.COMPLETE, null, now());
        ctx.catalog().save(done);
        return done;
    }

    private BackupRecord fail(BackupRecord record, String reason) {
        LOG.warnf("backup %s failed: %s", record.id(), reason);
        BackupRecord failed = record.withState(BackupState.FAILED, reason, now());
        try {
            if (ctx.active().getAsBoolean()) {
                ctx.catalog().delete(record.id());
                ctx.catalog()
                        .save(failed.withContent(
                                failed.timeline() == null ? 0 : failed.timeline(),
                                failed.startLsn(),
                                failed.stopLsn(),
                                failed.startWal(),
                                failed.stopWal(),
                                now(),
                                failed.systemIdentifier(),
                                failed.pgVersion() == null ? 0 : failed.pgVersion(),
                                failed.compression(),
                                failed.encrypted(),
                                List.of(),
                                List.of()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf(
                    "backup %s: cannot record the failure in the repository (%s); it is cleaned later", record.id(), e);
        }
        ctx.events()
                .accept(new BackupEvent.BaseBackupFailed(ctx.cluster(), record.id(), record.member(), reason, now()));
        return failed;
    }

    private void ensureActive() {
        if (!ctx.active().getAsBoolean()) {
            throw new NotActive();
        }
    }

    private static String reason(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return "interrupted (backup-service is stopping)";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e instanceof SQLException ? "SQL on the primary: " + message : message;
    }

    static void removeSpool(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warnf("cannot remove the spool copy %s: %s", dir, e.getMessage());
        }
    }

    private Instant now() {
        return ctx.clock().instant();
    }
}
