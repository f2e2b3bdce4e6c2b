package io.pgha.events;

import java.time.Instant;

/**
 * Topic {@code pgha.backup}: base backups, WAL archiving and restores of a cluster. Names of WAL
 * archive fields follow PostgreSQL's {@code pg_stat_archiver}.
 */
public sealed interface BackupEvent extends PghaEvent {
    @Override
    default String subject() {
        return cluster();
    }

    @Override
    default String key() {
        return cluster();
    }

    /**
     * A base backup started.
     *
     * @param backupId the backup's id in the repository
     * @param member the member it is taken from (a replica when one is healthy)
     */
    record BaseBackupStarted(String cluster, String backupId, String member, Instant occurredAt)
            implements BackupEvent {
        public BaseBackupStarted {
            Require.present(cluster, "cluster");
            Require.present(backupId, "backup_id");
            Require.present(member, "member");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * A base backup is complete and usable for restore.
     *
     * @param startLsn the WAL position the backup starts at (restore needs WAL from here)
     * @param stopLsn the WAL position it is consistent at
     * @param sizeBytes its size in the repository
     * @param startedAt when it started
     */
    record BaseBackupCompleted(
            String cluster,
            String backupId,
            String member,
            Integer timeline,
            Lsn startLsn,
            Lsn stopLsn,
            long sizeBytes,
            Instant startedAt,
            Instant occurredAt)
            implements BackupEvent {
        public BaseBackupCompleted {
            Require.present(cluster, "cluster");
            Require.present(backupId, "backup_id");
            Require.present(member, "member");
            Require.present(startLsn, "start_lsn");
            Require.present(stopLsn, "stop_lsn");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /** A base backup failed; {@code reason} says why and what to do. */
    record BaseBackupFailed(String cluster, String backupId, String member, String reason, Instant occurredAt)
            implements BackupEvent {
        public BaseBackupFailed {
            Require.present(cluster, "cluster");
            Require.present(backupId, "backup_id");
            Require.present(reason, "reason");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * Progress of continuous WAL archiving (on change, at most once per interval).
     *
     * @param timeline the primary's timeline
     * @param lastArchivedWal the last WAL segment archived, e.g. {@code 000000010000000000000003}
     * @param lastArchivedLsn the end of that segment
     * @param archivedCount segments archived since the archiver started
     * @param failedCount failed attempts since the archiver started
     * @param lastFailedWal the last segment whose archiving failed, if any
     */
    record WalArchiveProgress(
            String cluster,
            Integer timeline,
            String lastArchivedWal,
            Lsn lastArchivedLsn,
            long archivedCount,
            long failedCount,
            String lastFailedWal,
            Instant occurredAt)
            implements BackupEvent {
        public WalArchiveProgress {
            Require.present(cluster, "cluster");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * A point-in-time restore finished and the restored instance is consistent.
     *
     * @param backupId the base backup restored from
     * @param member the member restored
     * @param targetTime the recovery target time, when one was given
     * @param targetLsn the recovery target LSN, when one was given
     * @param restoredLsn the WAL position recovery stopped at
     * @param timeline the timeline after recovery
     */
    record RestoreCompleted(
            String cluster,
            String backupId,
            String member,
            Instant targetTime,
            Lsn targetLsn,
            Lsn restoredLsn,
            Integer timeline,
            Instant occurredAt)
            implements BackupEvent {
        public RestoreCompleted {
            Require.present(cluster, "cluster");
            Require.present(backupId, "backup_id");
            Require.present(member, "member");
            Require.present(restoredLsn, "restored_lsn");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * WAL archiving on the primary failed, or the repository refuses a segment (different content
     * under its name) or holds a timeline ahead of the primary's: WAL accumulates in pg_wal until it
     * is fixed.
     *
     * @param member the primary whose archiver reports it
     * @param timeline the primary's timeline
     * @param kind {@code failure}, {@code conflict} or {@code timeline-ahead}
     * @param lastFailedWal the file that failed last, if known
     * @param reason what the archiver said (no secrets)
     * @param failedCount failed attempts since the archiver started
     * @param queued files waiting to be archived
     */
    record WalArchiveFailed(
            String cluster,
            String member,
            Integer timeline,
            String kind,
            String lastFailedWal,
            String reason,
            long failedCount,
            int queued,
            Instant occurredAt)
            implements BackupEvent {
        public WalArchiveFailed {
            Require.present(cluster, "cluster");
            Require.present(kind, "kind");
            Require.present(reason, "reason");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * Retention (or the clean-up of a killed backup) removed a backup from the repository.
     *
     * @param reason the rule that let it go
     */
    record BackupRemoved(String cluster, String backupId, String reason, Instant occurredAt) implements BackupEvent {
        public BackupRemoved {
            Require.present(cluster, "cluster");
            Require.present(backupId, "backup_id");
            Require.present(reason, "reason");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * A point-in-time restore into a new cluster was requested; the new cluster's agents perform it
     * and report on {@code GET /api/v1/clusters/<cluster>/restores/<id>}.
     *
     * @param restoreId the request's id
     * @param backupId the base backup asked for, when one was
     * @param target the recovery target, e.g. {@code time 2025-05-01T10:20:00Z} or {@code latest}
     * @param newCluster the cluster that is bootstrapped from the backup
     */
    record RestoreRequested(
            String cluster, String restoreId, String backupId, String target, String newCluster, Instant occurredAt)
            implements BackupEvent {
        public RestoreRequested {
            Require.present(cluster, "cluster");
            Require.present(restoreId, "restore_id");
            Require.present(target, "target");
            Require.present(newCluster, "new_cluster");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * A restore drill restored the newest backup to a recent time into a throwaway instance and the
     * checks passed.
     *
     * @param drillId the drill's id
     * @param backupId the backup restored
     * @param targetTime the random recent time recovered to
     * @param rtoSeconds restore plus replay time
     * @param rpoSeconds age of the newest heartbeat row recovered at {@code latest}, when measured
     * @param heartbeatRows heartbeat rows found at the target (all written before it, none after)
     */
    record RestoreDrillCompleted(
            String cluster,
            String drillId,
            String backupId,
            Instant targetTime,
            double rtoSeconds,
            Double rpoSeconds,
            long heartbeatRows,
            Instant occurredAt)
            implements BackupEvent {
        public RestoreDrillCompleted {
            Require.present(cluster, "cluster");
            Require.present(drillId, "drill_id");
            Require.present(backupId, "backup_id");
            Require.present(targetTime, "target_time");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /** A restore drill failed: the backups may not be restorable; {@code reason} says which step and why. */
    record RestoreDrillFailed(String cluster, String drillId, String backupId, String reason, Instant occurredAt)
            implements BackupEvent {
        public RestoreDrillFailed {
            Require.present(cluster, "cluster");
            Require.present(drillId, "drill_id");
            Require.present(reason, "reason");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * A logical backup run finished: one {@code pg_dump -Fc} of every database, in the repository.
     *
     * @param dumpId the run's id
     * @param member the member the databases were dumped from
     * @param databases how many databases were dumped
     * @param sizeBytes their total size before compression
     */
    record LogicalBackupCompleted(
            String cluster, String dumpId, String member, int databases, long sizeBytes, Instant occurredAt)
            implements BackupEvent {
        public LogicalBackupCompleted {
            Require.present(cluster, "cluster");
            Require.present(dumpId, "dump_id");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /** A logical backup run failed; {@code reason} says which database and why. */
    record LogicalBackupFailed(String cluster, String dumpId, String reason, Instant occurredAt)
            implements BackupEvent {
        public LogicalBackupFailed {
            Require.present(cluster, "cluster");
            Require.present(dumpId, "dump_id");
            Require.present(reason, "reason");
            Require.present(occurredAt, "occurred_at");
        }
    }
}
