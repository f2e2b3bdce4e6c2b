package io.pgha.coordinator.decide;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import java.util.Optional;

/**
 * The last leader's timeline, for {@code check_timeline}: the highest of the timeline the coordinator
 * saw the leader run on and the one the newest {@code /history} row leads to (a row is Patroni's
 * {@code [old timeline, lsn, reason, time, new leader]}: the new leader runs on old + 1). 0 when
 * neither is known. A history that cannot be read counts as empty.
 */
public final class LastTimeline {
    private LastTimeline() {}

    public static long of(long seenLeaderTimeline, Optional<String> historyJson) {
        long fromHistory = 0;
        try {
            JsonNode history = Json.MAPPER.readTree(historyJson.orElse("[]"));
            if (history != null && history.isArray() && !history.isEmpty()) {
                JsonNode timeline = history.get(history.size() - 1).path(0);
                if (timeline.canConvertToLong() && timeline.isIntegralNumber() && timeline.asLong() >= 0) {
                    fromHistory = timeline.asLong() + 1;
                }
            }
        } catch (Exception e) {
            fromHistory = 0;
        }
        return Math.max(Math.max(0, seenLeaderTimeline), fromHistory);
    }
}
