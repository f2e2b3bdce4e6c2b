package io.pgha.coordinator.decide;

import io.pgha.events.Lsn;
import java.util.Optional;

/**
 * What the coordinator knows of one member at decision time: fresh data from its agent's
 * {@code /patroni} (fetched with a 2 s timeout), its tags, and the latest health-monitor view.
 *
 * @param name the member name
 * @param agentAnswered whether its agent answered {@code /patroni} in time
 * @param agentError why it did not (empty when it did)
 * @param role what its agent reports: {@code replica}, {@code primary}, {@code uninitialized}, ...
 * @param state the agent's PostgreSQL state ({@code running}, {@code starting}, {@code stopped}, ...)
 * @param streaming whether it was streaming from the last leader when that leader was last seen
 * @param receiveLsn the last WAL position it received (null when unknown)
 * @param replayLsn the last WAL position it replayed (null when unknown)
 * @param timeline the timeline its PostgreSQL runs on (0 when unknown)
 * @param nofailover the {@code nofailover} tag
 * @param failoverPriority the {@code failover_priority} tag (default 1; {@code <= 0} never promoted)
 * @param monitorReachable the latest health-monitor view: empty when the monitor has not seen it yet
 * @param monitorError the error class of that view when it was unreachable
 * @param failsafeActive its agent's {@code failsafe_mode_is_active} (failsafe mode: it confirmed a
 *     primary that cannot reach etcd within ttl, or it is that primary)
 */
public record MemberSnapshot(
        String name,
        boolean agentAnswered,
        String agentError,
        String role,
        String state,
        boolean streaming,
        Lsn receiveLsn,
        Lsn replayLsn,
        long timeline,
        boolean nofailover,
        int failoverPriority,
        Optional<Boolean> monitorReachable,
        String monitorError,
        boolean failsafeActive) {

    /** A snapshot without failsafe mode. */
    public MemberSnapshot(
            String name,
            boolean agentAnswered,
            String agentError,
            String role,
            String state,
            boolean streaming,
            Lsn receiveLsn,
            Lsn replayLsn,
            long timeline,
            boolean nofailover,
            int failoverPriority,
            Optional<Boolean> monitorReachable,
            String monitorError) {
        this(
                name,
                agentAnswered,
                agentError,
                role,
                state,
                streaming,
                receiveLsn,
                replayLsn,
                timeline,
                nofailover,
                failoverPriority,
                monitorReachable,
                monitorError,
                false);
    }

    public MemberSnapshot {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a member snapshot needs a name");
        }
        monitorReachable = monitorReachable == null ? Optional.empty() : monitorReachable;
    }

    /** The furthest WAL position it holds: max(receive, replay), or null when both are unknown. */
    public Lsn walPosition() {
        if (receiveLsn == null) {
            return replayLsn;
        }
        if (replayLsn == null) {
            return receiveLsn;
        }
        return receiveLsn.compareTo(replayLsn) >= 0 ? receiveLsn : replayLsn;
    }

    /** True when its agent reports PostgreSQL up. */
    public boolean running() {
        return "running".equals(state) || "streaming".equals(state);
    }
}
