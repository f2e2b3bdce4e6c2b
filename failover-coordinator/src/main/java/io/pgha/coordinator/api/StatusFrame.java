package io.pgha.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.coordinator.facts.OpsFacts;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One frame of the status page's live stream: the cluster as {@code GET /api/v1/clusters/{c}} answers
 * it, its failover history, and the leader's WAL position in bytes (the page derives the write rate from
 * successive frames), and from {@code pgha.backup} and {@code pgha.alerts} ({@link OpsFacts}) the last
 * backup, the last backup failure, the last restore drill and the alerts firing. Pure: the same snapshot gives the same text, so the stream sends a frame only when
 * the text changed.
 */
final class StatusFrame {
    private StatusFrame() {}

    static String of(String cluster, ClusterSnapshot snapshot, Optional<String> coordinator) {
        return of(cluster, snapshot, coordinator, OpsFacts.NONE);
    }

    static String of(String cluster, ClusterSnapshot snapshot, Optional<String> coordinator, OpsFacts facts) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("status", ClusterStatus.of(cluster, snapshot, coordinator));
        frame.put("history", history(snapshot));
        frame.put(
                "leader_wal",
                snapshot.leaderMember()
                        .map(MemberEntry::status)
                        .map(MemberStatus::xlogLocation)
                        .map(lsn -> lsn.value())
                        .orElse(null));
        frame.put("backup", backup(facts));
        frame.put("alerts", alerts(facts));
        return Json.write(frame);
    }

    /** The last backup, failure and drill as the page shows them (times as ISO-8601 text). */
    static Map<String, Object> backup(OpsFacts facts) {
        Map<String, Object> out = new LinkedHashMap<>();
        OpsFacts.Backup b = facts.lastBackup();
        if (b != null) {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("id", b.id());
            last.put("member", b.member());
            last.put("stop_lsn", b.stopLsn());
            last.put("size_bytes", b.sizeBytes());
            last.put("started_at", text(b.startedAt()));
            last.put("completed_at", text(b.completedAt()));
            out.put("last_backup", last);
        } else {
            out.put("last_backup", null);
        }
        OpsFacts.Failure f = facts.lastBackupFailure();
        if (f != null) {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("id", f.id());
            failure.put("reason", f.reason());
            failure.put("at", text(f.at()));
            out.put("last_failure", failure);
        } else {
            out.put("last_failure", null);
        }
        OpsFacts.Drill d = facts.lastDrill();
        if (d != null) {
            Map<String, Object> drill = new LinkedHashMap<>();
            drill.put("id", d.id());
            drill.put("backup_id", d.backupId());
            drill.put("ok", d.ok());
            drill.put("rto_seconds", d.rtoSeconds());
            drill.put("rpo_seconds", d.rpoSeconds());
            drill.put("reason", d.reason());
            drill.put("at", text(d.at()));
            out.put("last_drill", drill);
        } else {
            out.put("last_drill", null);
        }
        return out;
    }

    /** The alerts firing, most severe first, then the oldest first. */
    static List<Map<String, Object>> alerts(OpsFacts facts) {
        List<OpsFacts.Alert> sorted = new ArrayList<>(facts.alerts().values());
        sorted.sort(java.util.Comparator.comparingInt((OpsFacts.Alert a) -> rank(a.severity()))
                .thenComparing(a -> a.startsAt() == null ? java.time.Instant.MIN : a.startsAt())
                .thenComparing(OpsFacts.Alert::alert));
        List<Map<String, Object>> out = new ArrayList<>();
        for (OpsFacts.Alert a : sorted) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("alert", a.alert());
            row.put("severity", a.severity());
            row.put("member", a.member());
            row.put("summary", a.summary());
            row.put("starts_at", text(a.startsAt()));
            out.add(row);
        }
        return out;
    }

    private static int rank(String severity) {
        return switch (severity == null ? "" : severity) {
            case "critical" -> 0;
            case "warning" -> 1;
            default -> 2;
        };
    }

    private static String text(java.time.Instant at) {
        return at == null ? null : at.toString();
    }

    /** The history key's rows, or none when it is missing or not an array (the status names why). */
    private static List<?> history(ClusterSnapshot snapshot) {
        try {
            JsonNode rows = Json.read(snapshot.history().orElse("[]"), JsonNode.class, "history key");
            return rows.isArray() ? Json.MAPPER.convertValue(rows, List.class) : List.of();
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
