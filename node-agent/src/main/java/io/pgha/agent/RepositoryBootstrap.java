package io.pgha.agent;

import io.pgha.agent.config.AgentConfig;
import io.pgha.agent.pg.ExtraSettings;
import io.pgha.agent.pg.PgState;
import io.pgha.agent.restore.BackupChoice;
import io.pgha.agent.restore.RestoreKeys;
import io.pgha.agent.restore.RestoreRequest;
import io.pgha.agent.restore.RestoreStatus;
import io.pgha.agent.wal.WalService;
import io.pgha.repository.catalog.BackupRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Bootstrap from the repository ({@code pgha.bootstrap.method=repository}): the member that won the
 * initialize race restores a base backup of the source cluster into its empty data directory,
 * recovers with the source's WAL archive (read through this agent's own restore endpoint) up to the
 * target, promotes, and carries on as the new cluster's primary. Progress and outcome go to the
 * restore status key. See DESIGN.md, "Bootstrap from the repository".
 */
final class RepositoryBootstrap {
    private static final Logger LOG = Logger.getLogger(RepositoryBootstrap.class);

    private final AgentContext ctx;
    private final WalService wal;
    private final ExtraSettings extra;
    private final Supplier<RestoreKeys> keys;
    private final AgentConfig.RestoreSource source;

    RepositoryBootstrap(
            AgentContext ctx,
            WalService wal,
            ExtraSettings extra,
            Supplier<RestoreKeys> keys,
            AgentConfig.RestoreSource source) {
        this.ctx = ctx;
        this.wal = wal;
        this.extra = extra;
        this.keys = keys;
        this.source = source;
    }

    /** Restores, recovers to the target and promotes; returns the system identifier. */
    String restore() {
        try (RestoreKeys k = keys.get()) {
            String started = Instant.now().toString();
            RestoreRequest request;
            try {
                request = RestoreRequest.resolve(k.request(), source);
            } catch (RuntimeException e) {
                k.status(new RestoreStatus(
                        null, "failed", null, started, Instant.now().toString(), null, null, e.getMessage()));
                throw e;
            }
            k.status(new RestoreStatus(request.id(), "restoring", null, started, null, null, null, null));
            String backupId = null;
            try {
                BackupRecord backup = chooseBackup(request);
                backupId = backup.id();
                k.status(new RestoreStatus(request.id(), "restoring", backupId, started, null, null, null, null));
                String systemIdentifier;
                PgState promoted;
                synchronized (ctx.pgLock) {
                    download(request, backup);
                    startRecovery(request);
                    promoted = awaitPromoted(request);
                    extra.recovery(Map.of()); // back to this cluster's own restore_command, no target
                    ctx.configurePg(false, Optional.empty());
                    ctx.pg.reload();
                    ctx.pg.createRoles();
                    systemIdentifier = ctx.pg.systemIdentifier();
                }
                k.status(new RestoreStatus(
                        request.id(),
                        "completed",
                        backupId,
                        started,
                        Instant.now().toString(),
                        promoted.writeLsn() == null ? null : promoted.writeLsn().toString(),
                        promoted.timeline(),
                        null));
                LOG.infof(
                        "restored backup %s of %s to %s: primary on timeline %d",
                        backupId, request.sourceCluster(), request.target().describe(), promoted.timeline());
                return systemIdentifier;
            } catch (RuntimeException e) {
                extra.recovery(Map.of());
                k.status(new RestoreStatus(
                        request.id(),
                        "failed",
                        backupId,
                        started,
                        Instant.now().toString(),
                        null,
                        null,
                        e.getMessage()));
                throw e;
            }
        }
    }

    private BackupRecord chooseBackup(RestoreRequest request) {
        try {
            return BackupChoice.choose(
                    wal.repository().catalog(request.sourceCluster()).list(), request.backupId(), request.target());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the catalog of " + request.sourceCluster() + " in "
                            + wal.repository().describe(),
                    e);
        }
    }

    /** The backup's files into the empty data directory, several at a time. */
    private void download(RestoreRequest request, BackupRecord backup) {
        Path dataDir = ctx.config.postgres().dataDir().toAbsolutePath();
        LOG.infof(
                "restoring backup %s of %s (%d files, %d bytes) into %s",
                backup.id(), request.sourceCluster(), backup.files().size(), backup.size(), dataDir);
        try {
            wal.repository().backupFiles(request.sourceCluster()).download(backup, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore backup " + backup.id() + ": " + e.getMessage(), e);
        }
    }

    /** recovery.signal, the source's restore_command and the target in pgha.conf; then start. */
    private void startRecovery(RestoreRequest request) {
        Map<String, String> recovery = new LinkedHashMap<>(request.target().parameters());
        recovery.put("restore_command", wal.restoreCommandFrom(request.sourceCluster()));
        extra.recovery(recovery);
        try {
            Files.writeString(ctx.config.postgres().dataDir().toAbsolutePath().resolve("recovery.signal"), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write recovery.signal", e);
        }
        ctx.configurePg(false, Optional.empty());
        ctx.startPg();
        LOG.infof(
                "recovering to %s with the WAL archive of %s", request.target().describe(), request.sourceCluster());
    }

    /** Waits until PostgreSQL reached the target and promoted (it exits when the archive ends first). */
    private PgState awaitPromoted(RestoreRequest request) {
        long deadline = ctx.clock.nanoTime() + source.timeout().toNanos();
        while (true) {
            if (!ctx.pg.running()) {
                throw new IllegalStateException("PostgreSQL stopped while recovering to "
                        + request.target().describe()
                        + " (see postgresql.log): the target may lie beyond the end of the WAL archive of "
                        + request.sourceCluster() + ", a WAL file may be missing, or a setting is refused");
            }
            PgState state = ctx.pg.probe();
            if (state.accepting() && !state.inRecovery()) {
                return state;
            }
            if (ctx.clock.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "recovery to " + request.target().describe() + " did not finish within " + source.timeout()
                                + " (pgha.bootstrap.repository.timeout)");
            }
            PgProcess.pause(Duration.ofMillis(500));
        }
    }
}
