package io.pgha.backup.run;

import io.pgha.backup.decide.DrillCheck;
import io.pgha.backup.decide.SourceChoice;
import io.pgha.events.BackupEvent;
import io.pgha.events.PghaEvent;
import io.pgha.repository.catalog.BackupFiles;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.catalog.Catalog;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * A restore drill, as named steps: pick the newest complete backup and a random recent time T; make
 * the primary archive the WAL holding T; download the backup and the WAL into a throwaway folder;
 * recover to T and pause (RTO: download + replay); check the heartbeat rows (every row committed
 * before T, none after); fetch the WAL archived since, recover on to the end of the archive and
 * promote (RPO: how old the newest recovered row was when the archive was sampled); pg_amcheck the
 * catalog. PostgreSQL is stopped and the folder removed in every case.
 */
final class RestoreDrill {
    private static final Logger LOG = Logger.getLogger(RestoreDrill.class);

    record Context(
            String cluster,
            Catalog catalog,
            BackupFiles files,
            WalArchive archive,
            PrimarySql sql,
            Path binDir,
            Path spool,
            String osUser,
            String superuser,
            Duration walWait,
            Duration replayTimeout,
            int parallelism,
            Consumer<PghaEvent> events,
            Clock clock) {}

    private final Context ctx;

    RestoreDrill(Context ctx) {
        this.ctx = ctx;
    }

    ClusterStats.DrillResult run(String id, Optional<SourceChoice.Choice> cluster) {
        String backupId = null;
        Path folder = ctx.spool().resolve("drills").resolve(ctx.cluster() + "-" + id);
        try (DrillInstance pg = new DrillInstance(ctx.binDir(), folder, ctx.osUser(), ctx.superuser())) {
            BackupRecord backup = newestComplete();
            backupId = backup.id();
            Endpoint primary = primary(cluster);
            Instant target = DrillCheck.target(backup.stoppedAt(), now(), ThreadLocalRandom.current());
            archiveUpTo(primary);
            Instant started = now();
            pg.prepare();
            ctx.files().download(backup, pg.data());
            fetchWal(backup, pg.wal());
            pg.ownAndSignal();
            pg.start(Map.of(
                    "recovery_target_time", io.pgha.repository.restore.RecoveryTarget.postgresTime(target),
                    "recovery_target_action", "pause",
                    "recovery_target_timeline", "latest"));
            pg.await("paused at " + target, "SELECT pg_get_wal_replay_pause_state()", "paused", ctx.replayTimeout());
            double rto = Duration.between(started, now()).toMillis() / 1000.0;
            long rows = checkHeartbeat(pg, primary, target);
            Instant sampledAt = now();
            fetchWal(backup, pg.wal());
            pg.stop();
            pg.start(Map.of("recovery_target_timeline", "latest"));
            pg.await("promoted at the end of the archive", "SELECT pg_is_in_recovery()", "f", ctx.replayTimeout());
            Optional<Double> rpo = DrillCheck.rpoSeconds(newestHeartbeat(pg), sampledAt);
            pg.amcheck();
            LOG.infof(
                    "restore drill %s passed: backup %s to %s, RTO %.1f s, RPO %s, %d heartbeat rows",
                    id,
                    backupId,
                    target,
                    rto,
                    rpo.map(r -> String.format("%.1f s", r)).orElse("unknown"),
                    rows);
            ctx.events()
                    .accept(new BackupEvent.RestoreDrillCompleted(
                            ctx.cluster(), id, backupId, target, rto, rpo.orElse(null), rows, now()));
            return new ClusterStats.DrillResult(id, backupId, true, target, rto, rpo.orElse(null), null, now());
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warnf("restore drill %s failed: %s", id, reason);
            ctx.events().accept(new BackupEvent.RestoreDrillFailed(ctx.cluster(), id, backupId, reason, now()));
            return new ClusterStats.DrillResult(id, backupId, false, null, null, null, reason, now());
        }
    }

    private BackupRecord newestComplete() throws IOException {
        return ctx.catalog().list().stream()
                .filter(r -> r.state() == BackupState.COMPLETE && r.stoppedAt() != null)
                .reduce((a, b) -> b)
                .orElseThrow(() -> new IOException("no complete backup of " + ctx.cluster() + " to restore"));
    }

    private static Endpoint primary(Optional<SourceChoice.Choice> choice) throws IOException {
        SourceChoice.Choice c = choice.orElseThrow(
                () -> new IOException("the cluster has no running primary: a drill compares its heartbeat rows"));
        return Endpoint.of(c.primary(), c.primaryStatus().connUrl());
    }

    /**
     * Commits a heartbeat row after T (recovery knows it reached T only at the first commit after it),
     * closes the primary's current segment and waits until it is archived: T is then in the archive.
     */
    private void archiveUpTo(Endpoint primary) throws SQLException, IOException, InterruptedException {
        ctx.sql().heartbeat(primary);
        WalName segment = WalName.parse(ctx.sql().switchWal(primary));
        Instant deadline = now().plus(ctx.walWait());
        while (!ctx.archive().contains(segment)) {
            if (now().isAfter(deadline)) {
                throw new IOException("WAL segment " + segment + " did not reach the archive within " + ctx.walWait()
                        + ": archiving is behind or failing");
            }
            Thread.sleep(300);
        }
    }

    /** Every archived file recovery may read (from the backup's start segment on, and every history file), in parallel. */
    private void fetchWal(BackupRecord backup, Path dir) throws Exception {
        long from = WalName.parse(backup.startWal()).segmentNumber();
        List<WalName> wanted = new ArrayList<>();
        for (WalName w : ctx.archive().list()) {
            if ((w.kind() == WalName.Kind.HISTORY || w.segmentNumber() >= from)
                    && !Files.exists(dir.resolve(w.name()))) {
                wanted.add(w);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, ctx.parallelism()));
        try {
            List<Future<Boolean>> fetched = new ArrayList<>();
            for (WalName w : wanted) {
                fetched.add(pool.submit(() -> ctx.archive().fetch(w, dir.resolve(w.name()))));
            }
            for (Future<Boolean> f : fetched) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        if ("root".equals(System.getProperty("user.name"))) {
            // the WAL folder is read by the drill's PostgreSQL (another user): files readable, folder traversable
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.setPosixFilePermissions(
                            f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private long checkHeartbeat(DrillInstance pg, Endpoint primary, Instant target) throws IOException, SQLException {
        Instant until = target.minus(DrillCheck.COMMIT_MARGIN);
        Instant since = target.minus(Duration.ofDays(6));
        String table = PrimarySql.HEARTBEAT_TABLE;
        String exists = pg.query("SELECT to_regclass('" + table + "') IS NOT NULL");
        if (!"t".equals(exists)) {
            throw new IOException("the restore has no " + table + " table: backup-service writes it on the primary"
                    + " every pgha.backup.heartbeat-interval (is it 0?)");
        }
        long restoredBefore = count(pg, "at > '" + since + "' AND at <= '" + until + "'");
        long restoredAfter = count(pg, "at > '" + target + "'");
        long primaryBefore;
        try (Connection c = ctx.sql().connect(primary);
                PreparedStatement st =
                        c.prepareStatement("SELECT count(*) FROM " + table + " WHERE at > ? AND at <= ?")) {
            st.setTimestamp(1, Timestamp.from(since));
            st.setTimestamp(2, Timestamp.from(until));
            try (ResultSet r = st.executeQuery()) {
                r.next();
                primaryBefore = r.getLong(1);
            }
        }
        List<String> problems = DrillCheck.heartbeat(primaryBefore, restoredBefore, restoredAfter, target);
        if (!problems.isEmpty()) {
            throw new IOException("heartbeat check: " + String.join("; ", problems));
        }
        return restoredBefore;
    }

    private static long count(DrillInstance pg, String where) throws IOException {
        String value = pg.query("SELECT count(*) FROM " + PrimarySql.HEARTBEAT_TABLE + " WHERE " + where);
        if (value == null) {
            throw new IOException("cannot count the heartbeat rows of the restore: " + pg.logTail());
        }
        return Long.parseLong(value);
    }

    private static Optional<Instant> newestHeartbeat(DrillInstance pg) throws IOException {
        String value = pg.query("SELECT to_char(max(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM "
                + PrimarySql.HEARTBEAT_TABLE);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(value));
    }

    private Instant now() {
        return ctx.clock().instant();
    }
}
