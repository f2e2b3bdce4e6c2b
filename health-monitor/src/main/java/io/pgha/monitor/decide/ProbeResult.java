package io.pgha.monitor.decide;

import io.pgha.events.Lsn;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeRole;
import java.time.Instant;
import java.util.List;

/**
 * What one SQL probe of one member saw (or why it saw nothing). Plain data: the prober fills it in,
 * the decisions read it.
 *
 * @param observedAt when the probe finished
 * @param latencyMs how long the probe took, connect included
 * @param reachable whether the probe query succeeded
 * @param errorClass why not, when not reachable
 * @param error the error message when not reachable (never a password)
 * @param role primary or replica; unknown when not reachable
 * @param timeline the timeline PostgreSQL runs on
 * @param lsn the current WAL write position (primary only)
 * @param receiveLsn the last WAL position received (replica only)
 * @param replayLsn the last WAL position replayed (replica only)
 * @param lagSeconds seconds since the last replayed transaction (0 when caught up; replica only)
 * @param connections client backends in use
 * @param maxConnections PostgreSQL's max_connections
 * @param archiveFailedCount failed archive_command runs since the statistics were reset
 * @param archiveLastFailedAt when archive_command last failed
 * @param standbys pg_stat_replication, one entry per standby (primary only)
 */
public record ProbeResult(
        Instant observedAt,
        long latencyMs,
        boolean reachable,
        ErrorClass errorClass,
        String error,
        NodeRole role,
        Integer timeline,
        Lsn lsn,
        Lsn receiveLsn,
        Lsn replayLsn,
        Double lagSeconds,
        Integer connections,
        Integer maxConnections,
        Long archiveFailedCount,
        Instant archiveLastFailedAt,
        List<Standby> standbys) {
    public ProbeResult {
        role = role == null ? NodeRole.UNKNOWN : role;
        standbys = standbys == null ? List.of() : List.copyOf(standbys);
    }

    /**
     * One row of the primary's {@code pg_stat_replication}.
     *
     * @param applicationName the standby's application_name (its member name under pgha)
     * @param clientAddr the standby's address
     * @param state startup, catchup, streaming, ...
     * @param syncState async, potential, sync or quorum
     * @param sentLsn the last WAL position sent to it
     * @param replayLsn the last WAL position it replayed
     * @param replayLagSeconds PostgreSQL's replay_lag, in seconds
     */
    public record Standby(
            String applicationName,
            String clientAddr,
            String state,
            String syncState,
            Lsn sentLsn,
            Lsn replayLsn,
            Double replayLagSeconds) {}

    /** A probe that failed with {@code errorClass}. */
    public static ProbeResult unreachable(Instant observedAt, long latencyMs, ErrorClass errorClass, String error) {
        return new ProbeResult(
                observedAt,
                latencyMs,
                false,
                errorClass,
                error,
                NodeRole.UNKNOWN,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of());
    }

    /** The position to measure a replica's lag by: replayed, else received. */
    public Lsn replayedOrReceived() {
        return replayLsn != null ? replayLsn : receiveLsn;
    }
}
