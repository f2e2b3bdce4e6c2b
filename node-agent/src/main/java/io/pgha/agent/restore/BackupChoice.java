package io.pgha.agent.restore;

import io.pgha.events.Lsn;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.restore.RecoveryTarget;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which backup a point-in-time restore starts from (pure): a complete backup that ended before the
 * target (recovery cannot stop inside a backup), the newest such one (the least WAL to replay).
 */
public final class BackupChoice {
    private BackupChoice() {}

    /**
     * The backup to restore, or an IllegalArgumentException saying why there is none.
     *
     * @param backups the source cluster's catalog
     * @param backupId a backup asked for by id, or null
     * @param target where recovery stops
     */
    public static BackupRecord choose(List<BackupRecord> backups, String backupId, RecoveryTarget target) {
        if (backupId != null) {
            BackupRecord chosen = backups.stream()
                    .filter(b -> b.id().equals(backupId))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no backup " + backupId + " in the catalog"));
            if (chosen.state() != BackupState.COMPLETE) {
                throw new IllegalArgumentException(
                        "backup " + backupId + " is " + chosen.state() + ", not COMPLETE: choose another");
            }
            if (!endsBefore(chosen, target)) {
                throw new IllegalArgumentException("backup " + backupId + " ended after the target ("
                        + target.describe() + "): choose an older backup or a later target");
            }
            return chosen;
        }
        Optional<BackupRecord> newest = backups.stream()
                .filter(b -> b.state() == BackupState.COMPLETE)
                .filter(b -> endsBefore(b, target))
                .max(Comparator.comparing(BackupChoice::stopped).thenComparing(BackupRecord::id));
        return newest.orElseThrow(() -> new IllegalArgumentException("no complete backup ended before the target ("
                + target.describe() + ") among " + backups.size() + " backups: take a backup, or restore to a later"
                + " target"));
    }

    /** Whether the backup is consistent before the target is reached (always, for immediate/latest/xid/name). */
    static boolean endsBefore(BackupRecord b, RecoveryTarget target) {
        if (target.time() != null) {
            Instant stop = b.stoppedAt() != null ? b.stoppedAt() : b.completedAt();
            return stop != null && stop.isBefore(target.instant());
        }
        if (target.lsn() != null) {
            return b.stopLsn() != null && b.stopLsn().compareTo(Lsn.parse(target.lsn())) <= 0;
        }
        return true;
    }

    private static Instant stopped(BackupRecord b) {
        Instant stop = b.stoppedAt() != null ? b.stoppedAt() : b.completedAt();
        return stop != null ? stop : Instant.EPOCH;
    }

    /**
     * The backup a new replica starts from: the newest COMPLETE backup of this cluster's data (same
     * system identifier, when it is known); empty when there is none (then pg_basebackup).
     */
    public static Optional<BackupRecord> forReplica(List<BackupRecord> backups, String systemIdentifier) {
        boolean known = systemIdentifier != null && !systemIdentifier.isBlank();
        return backups.stream()
                .filter(b -> b.state() == BackupState.COMPLETE)
                .filter(b -> !known || systemIdentifier.equals(b.systemIdentifier()))
                .max(Comparator.comparing(BackupChoice::stopped).thenComparing(BackupRecord::id));
    }
}
