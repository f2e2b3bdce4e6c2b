package io.pgha.backup.run;

import io.pgha.core.ArchiveStatus;
import io.pgha.repository.catalog.BackupRecord;
import java.time.Instant;

/**
 * What the status API and the metrics show of a cluster, updated by its runner.
 *
 * @param lastComplete the newest complete backup, null when none
 * @param lastFailure the reason of the last failed backup since the newest complete one, null when none
 * @param running the id of the backup being taken, null when none
 * @param nextScheduled when the next scheduled backup is due (null while passive)
 * @param archive the primary's archiver state from its member key, null when unknown
 * @param archiveMember the primary it came from
 * @param lastDurationSeconds how long the newest complete backup took
 * @param drill the last restore drill's outcome, null when none ran
 */
public record ClusterStats(
        BackupRecord lastComplete,
        String lastFailure,
        String running,
        Instant nextScheduled,
        ArchiveStatus archive,
        String archiveMember,
        double lastDurationSeconds,
        DrillResult drill) {
    static final ClusterStats EMPTY = new ClusterStats(null, null, null, null, null, null, 0, null);

    /** A restore drill's outcome. */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DrillResult(
            String id,
            String backupId,
            boolean ok,
            Instant targetTime,
            Double rtoSeconds,
            Double rpoSeconds,
            String reason,
            Instant at) {}

    ClusterStats withComplete(BackupRecord record, double seconds) {
        return new ClusterStats(record, null, running, nextScheduled, archive, archiveMember, seconds, drill);
    }

    ClusterStats withFailure(String reason) {
        return new ClusterStats(
                lastComplete, reason, running, nextScheduled, archive, archiveMember, lastDurationSeconds, drill);
    }

    ClusterStats withRunning(String id) {
        return new ClusterStats(
                lastComplete, lastFailure, id, nextScheduled, archive, archiveMember, lastDurationSeconds, drill);
    }

    ClusterStats withNext(Instant next) {
        return new ClusterStats(
                lastComplete, lastFailure, running, next, archive, archiveMember, lastDurationSeconds, drill);
    }

    ClusterStats withArchive(ArchiveStatus status, String member) {
        return new ClusterStats(
                lastComplete, lastFailure, running, nextScheduled, status, member, lastDurationSeconds, drill);
    }

    ClusterStats withDrill(DrillResult result) {
        return new ClusterStats(
                lastComplete, lastFailure, running, nextScheduled, archive, archiveMember, lastDurationSeconds, result);
    }
}
