package io.pgha.agent;

import io.pgha.agent.restore.BackupChoice;
import io.pgha.agent.wal.WalService;
import io.pgha.repository.catalog.BackupRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code pgha.bootstrap.replica-method=repository}: a new replica starts from the newest complete
 * backup of its cluster instead of a pg_basebackup from the leader (no load on the primary), then
 * replays the WAL archive through its agent and streams from the leader. Without a usable backup
 * (none, another system identifier, a download that fails) the caller falls back to pg_basebackup.
 */
final class ReplicaFromRepository {
    private static final Logger LOG = Logger.getLogger(ReplicaFromRepository.class);

    private final AgentContext ctx;
    private final WalService wal;

    ReplicaFromRepository(AgentContext ctx, WalService wal) {
        this.ctx = ctx;
        this.wal = wal;
    }

    /**
     * Restores the backup into the (wiped) data directory; false when there is none to use, with the
     * data directory empty again. The caller holds the PostgreSQL lock.
     */
    boolean restore(String systemIdentifier) {
        Optional<BackupRecord> backup;
        try {
            List<BackupRecord> backups = wal.repository().catalog(wal.cluster()).list();
            backup = BackupChoice.forReplica(backups, systemIdentifier);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read the backup catalog (%s): cloning with pg_basebackup", e.getMessage());
            return false;
        }
        if (backup.isEmpty()) {
            LOG.infof("no complete backup of %s in the repository: cloning with pg_basebackup", wal.cluster());
            return false;
        }
        Path dataDir = ctx.config.postgres().dataDir().toAbsolutePath();
        ctx.pg.wipe();
        try {
            wal.repository().backupFiles(wal.cluster()).download(backup.get(), dataDir);
        } catch (IOException | RuntimeException e) {
            LOG.warnf(
                    "restoring backup %s failed (%s): cloning with pg_basebackup",
                    backup.get().id(), e.getMessage());
            ctx.pg.wipe();
            return false;
        }
        LOG.infof(
                "restored backup %s as this replica's data directory (%d files): it catches up from the WAL"
                        + " archive, then streams",
                backup.get().id(), backup.get().files().size());
        return true;
    }
}
