package io.pgha.coordinator.agent;

import io.pgha.events.Lsn;
import java.util.Map;

/**
 * What a member's agent answered on {@code GET /patroni}, or why it did not.
 *
 * @param answered whether it answered in time with a readable body
 * @param error why not (null when it answered)
 * @param state running, starting, stopped, ...
 * @param role primary, replica or uninitialized
 * @param streaming a replica whose WAL receiver streams
 * @param receiveLsn a replica's last received (flushed) position
 * @param replayLsn a replica's last replayed position
 * @param location a primary's write position
 * @param timeline the timeline PostgreSQL runs on
 * @param tags the member's tags
 * @param failsafeActive its {@code failsafe_mode_is_active}: a primary running on failsafe rounds, or a
 *     replica that confirmed one within ttl
 */
public record AgentReport(
        boolean answered,
        String error,
        String state,
        String role,
        boolean streaming,
        Lsn receiveLsn,
        Lsn replayLsn,
        Lsn location,
        long timeline,
        Map<String, Object> tags,
        boolean failsafeActive) {

    /** A report without failsafe mode. */
    public AgentReport(
            boolean answered,
            String error,
            String state,
            String role,
            boolean streaming,
            Lsn receiveLsn,
            Lsn replayLsn,
            Lsn location,
            long timeline,
            Map<String, Object> tags) {
        this(answered, error, state, role, streaming, receiveLsn, replayLsn, location, timeline, tags, false);
    }

    public static AgentReport unanswered(String error) {
        return new AgentReport(false, error, "unknown", "unknown", false, null, null, null, 0, Map.of());
    }
}
