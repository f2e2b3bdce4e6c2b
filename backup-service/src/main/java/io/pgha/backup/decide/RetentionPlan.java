package io.pgha.backup.decide;

import io.pgha.repository.wal.WalName;
import java.util.List;

/**
 * What retention removes.
 *
 * @param backups the backups to remove, with why
 * @param wal the archived WAL files to remove, oldest first
 * @param kept the complete backups kept (newest last)
 */
public record RetentionPlan(List<Removal> backups, List<WalName> wal, List<String> kept) {
    /** One backup to remove and the rule that lets it go. */
    public record Removal(String backupId, String reason) {}

    public boolean isEmpty() {
        return backups.isEmpty() && wal.isEmpty();
    }
}
