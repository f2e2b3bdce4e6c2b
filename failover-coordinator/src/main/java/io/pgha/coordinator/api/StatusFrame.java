package io.pgha.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One frame of the status page's live stream: the cluster as {@code GET /api/v1/clusters/{c}} answers
 * it, its failover history, and the leader's WAL position in bytes (the page derives the write rate from
 * successive frames). Pure: the same snapshot gives the same text, so the stream sends a frame only when
 * the text changed.
 */
final class StatusFrame {
    private StatusFrame() {}

    static String of(String cluster, ClusterSnapshot snapshot, Optional<String> coordinator) {
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
        return Json.write(frame);
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
