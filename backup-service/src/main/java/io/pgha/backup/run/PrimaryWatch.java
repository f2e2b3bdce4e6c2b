package io.pgha.backup.run;

import io.pgha.backup.decide.ArchiveWatch;
import io.pgha.core.ArchiveStatus;
import io.pgha.core.MemberStatus;
import io.pgha.events.BackupEvent;
import io.pgha.events.Lsn;
import io.pgha.repository.wal.WalName;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the active instance does each tick about the primary: publish WAL archiving progress and
 * failures from the primary's member key, and write the heartbeat row restore drills check.
 */
final class PrimaryWatch {
    private static final Logger LOG = Logger.getLogger(PrimaryWatch.class);

    private final String cluster;
    private final Services s;
    private ArchiveStatus archivePublished;
    private Instant archivePublishedAt;
    private ArchiveStatus archiveSeen;
    private Instant nextHeartbeat = Instant.EPOCH;
    private Instant heartbeatWarned = Instant.EPOCH;

    PrimaryWatch(String cluster, Services services) {
        this.cluster = cluster;
        this.s = services;
    }

    /** Publishes what the primary's archiver state is worth ({@link ArchiveWatch}). */
    void archive(Optional<Map.Entry<String, MemberStatus>> primary) {
        if (primary.isEmpty()) {
            return;
        }
        String member = primary.get().getKey();
        MemberStatus status = primary.get().getValue();
        ArchiveStatus current = status.archive();
        Instant now = s.clock().instant();
        ArchiveWatch.Decision decision = ArchiveWatch.decide(
                archivePublished, archivePublishedAt, archiveSeen, current, now, s.archiveProgressInterval());
        archiveSeen = current;
        if (decision.progress()) {
            archivePublished = current;
            archivePublishedAt = now;
            s.events()
                    .accept(new BackupEvent.WalArchiveProgress(
                            cluster,
                            status.timeline() > 0 ? (int) status.timeline() : null,
                            current.lastArchivedWal(),
                            endOf(current.lastArchivedWal()),
                            current.archivedCount(),
                            current.failedCount(),
                            current.lastFailedWal(),
                            now));
        }
        if (decision.failure()) {
            s.events()
                    .accept(new BackupEvent.WalArchiveFailed(
                            cluster,
                            member,
                            status.timeline() > 0 ? (int) status.timeline() : null,
                            failureKind(current, status.timeline()),
                            current.lastFailedWal(),
                            failureReason(current),
                            current.failedCount(),
                            current.queued(),
                            now));
        }
    }

    static String failureKind(ArchiveStatus a, long timeline) {
        if (a.repositoryTimeline() != null && timeline > 0 && a.repositoryTimeline() > timeline) {
            return "timeline-ahead";
        }
        return a.conflict() != null ? "conflict" : "failure";
    }

    private static String failureReason(ArchiveStatus a) {
        if (a.conflict() != null) {
            return a.conflict();
        }
        return a.lastFailure() != null ? a.lastFailure() : "archiving failed (no reason published)";
    }

    private static Lsn endOf(String wal) {
        if (wal == null || !WalName.isValid(wal)) {
            return null;
        }
        WalName name = WalName.parse(wal);
        return name.kind() == WalName.Kind.SEGMENT ? name.next().startLsn() : null;
    }

    /** Writes the heartbeat row on the primary when it is due. */
    void heartbeat(Optional<Map.Entry<String, MemberStatus>> primary) {
        Instant now = s.clock().instant();
        if (s.heartbeatInterval().isZero() || primary.isEmpty() || now.isBefore(nextHeartbeat)) {
            return;
        }
        nextHeartbeat = now.plus(s.heartbeatInterval());
        String member = primary.get().getKey();
        try {
            s.sql().heartbeat(Endpoint.of(member, primary.get().getValue().connUrl()));
        } catch (Exception e) {
            if (now.isAfter(heartbeatWarned.plusSeconds(60))) {
                heartbeatWarned = now;
                LOG.warnf("cannot write the heartbeat row on %s: %s", member, e.getMessage());
            }
        }
    }
}
