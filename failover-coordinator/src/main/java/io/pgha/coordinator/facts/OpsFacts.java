package io.pgha.coordinator.facts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.pgha.events.AlertEvent;
import io.pgha.events.BackupEvent;
import io.pgha.events.PghaEvent;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the status page shows of one cluster besides etcd's keys: its last base backup, last backup
 * failure, last restore drill and the alerts firing, folded from {@code pgha.backup} and {@code
 * pgha.alerts}. Immutable and pure: {@link #apply} gives the facts after one more event.
 *
 * @param lastBackup the newest completed base backup, null when none was seen
 * @param lastBackupFailure the newest failed one, null when none was seen
 * @param lastDrill the newest restore drill's outcome, null when none was seen
 * @param alerts the alerts firing, by fingerprint (sorted, so the same facts give the same frame)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OpsFacts(Backup lastBackup, Failure lastBackupFailure, Drill lastDrill, Map<String, Alert> alerts) {
    public static final OpsFacts NONE = new OpsFacts(null, null, null, Map.of());

    /** A completed base backup. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Backup(
            String id, String member, String stopLsn, long sizeBytes, Instant startedAt, Instant completedAt) {}

    /** A failed base backup. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Failure(String id, String reason, Instant at) {}

    /** A restore drill's outcome; {@code rtoSeconds}/{@code rpoSeconds} only when it passed. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Drill(
            String id, String backupId, boolean ok, Double rtoSeconds, Double rpoSeconds, String reason, Instant at) {}

    /** A firing alert. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Alert(String alert, String severity, String member, String summary, Instant startsAt) {}

    /** The facts after {@code event}; events of other kinds change nothing. Older news never replaces newer. */
    public OpsFacts apply(PghaEvent event) {
        if (event instanceof BackupEvent.BaseBackupCompleted b) {
            if (lastBackup != null && lastBackup.completedAt().isAfter(b.occurredAt())) {
                return this;
            }
            return new OpsFacts(
                    new Backup(
                            b.backupId(),
                            b.member(),
                            b.stopLsn().toString(),
                            b.sizeBytes(),
                            b.startedAt(),
                            b.occurredAt()),
                    lastBackupFailure,
                    lastDrill,
                    alerts);
        }
        if (event instanceof BackupEvent.BaseBackupFailed f) {
            if (lastBackupFailure != null && lastBackupFailure.at().isAfter(f.occurredAt())) {
                return this;
            }
            return new OpsFacts(lastBackup, new Failure(f.backupId(), f.reason(), f.occurredAt()), lastDrill, alerts);
        }
        if (event instanceof BackupEvent.RestoreDrillCompleted d) {
            return newerDrill(d.occurredAt())
                    ? withDrill(new Drill(
                            d.drillId(), d.backupId(), true, d.rtoSeconds(), d.rpoSeconds(), null, d.occurredAt()))
                    : this;
        }
        if (event instanceof BackupEvent.RestoreDrillFailed d) {
            return newerDrill(d.occurredAt())
                    ? withDrill(new Drill(d.drillId(), d.backupId(), false, null, null, d.reason(), d.occurredAt()))
                    : this;
        }
        if (event instanceof AlertEvent.AlertFired a) {
            Map<String, Alert> next = new TreeMap<>(alerts);
            next.put(
                    a.fingerprint(),
                    new Alert(
                            a.alert(),
                            a.severity().name().toLowerCase(java.util.Locale.ROOT),
                            a.member(),
                            a.summary(),
                            a.startsAt()));
            return new OpsFacts(lastBackup, lastBackupFailure, lastDrill, next);
        }
        if (event instanceof AlertEvent.AlertResolved r && alerts.containsKey(r.fingerprint())) {
            Map<String, Alert> next = new TreeMap<>(alerts);
            next.remove(r.fingerprint());
            return new OpsFacts(lastBackup, lastBackupFailure, lastDrill, next);
        }
        return this;
    }

    private boolean newerDrill(Instant at) {
        return lastDrill == null || !lastDrill.at().isAfter(at);
    }

    private OpsFacts withDrill(Drill drill) {
        return new OpsFacts(lastBackup, lastBackupFailure, drill, alerts);
    }
}
