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
}
