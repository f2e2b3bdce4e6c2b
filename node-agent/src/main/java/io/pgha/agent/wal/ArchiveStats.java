package io.pgha.agent.wal;

import io.pgha.core.ArchiveStatus;
import java.time.Instant;

/**
 * What the archiver has done since the agent started, as {@link ArchiveStatus} publishes it. A
 * conflict (a 409, or a repository timeline above this member's) stays until the file it named is
 * archived (or, for a timeline, until a check finds none higher).
 */
final class ArchiveStats {
    private String lastArchivedWal;
    private Instant lastArchivedAt;
    private String lastFailedWal;
    private Instant lastFailedAt;
    private String lastFailure;
    private long archivedCount;
    private long failedCount;
    private String conflictWal;
    private String conflict;
    private String timelineConflict;
    private Integer repositoryTimeline;

    synchronized void archived(String wal, Instant at) {
        archivedCount++;
        if (lastArchivedWal == null || lastArchivedAt.compareTo(at) <= 0) {
            lastArchivedWal = wal;
            lastArchivedAt = at;
        }
        if (wal.equals(conflictWal)) {
            conflictWal = null;
            conflict = null;
        }
    }

    synchronized void failed(String wal, Instant at, String reason) {
        failedCount++;
        lastFailedWal = wal;
        lastFailedAt = at;
        lastFailure = reason;
    }

    synchronized void conflict(String wal, Instant at, String reason) {
        failed(wal, at, reason);
        conflictWal = wal;
        conflict = reason;
    }

    /** The repository's highest timeline, and whether it is above the one this member archives on. */
    synchronized void repositoryTimeline(int highest, int mine) {
        repositoryTimeline = highest;
        timelineConflict = highest > mine
                ? "the repository holds WAL of timeline " + highest + ", higher than this member's " + mine
                        + ": another member was promoted after this one, or two primaries run. Check the"
                        + " leader and every member's timeline before anything else."
                : null;
    }

    synchronized Instant lastArchivedAt() {
        return lastArchivedAt;
    }

    synchronized long archivedCount() {
        return archivedCount;
    }

    synchronized long failedCount() {
        return failedCount;
    }

    synchronized ArchiveStatus status(int queued) {
        String shownConflict = conflict != null ? conflict : timelineConflict;
        return new ArchiveStatus(
                lastArchivedWal,
                lastArchivedAt == null ? null : lastArchivedAt.toString(),
                lastFailedWal,
                lastFailedAt == null ? null : lastFailedAt.toString(),
                lastFailure,
                archivedCount,
                failedCount,
                queued,
                shownConflict,
                repositoryTimeline);
    }
}
