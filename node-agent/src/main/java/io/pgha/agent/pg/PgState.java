package io.pgha.agent.pg;

import io.pgha.events.Lsn;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one probe of PostgreSQL saw ({@code pendingRestart}: a changed setting waits for a restart,
 * as {@code pg_settings.pending_restart} says; {@code pendingRestartReason}: which ones, Patroni's
 * {@code {name: {old_value, new_value}}}, empty when not asked). When the postmaster is not running or
 * does not accept connections, only {@code running}/{@code accepting} mean anything.
 *
 * <p>{@code timeline}: a primary's current one; a standby's is the one its WAL receiver streams, or, with
 * no WAL receiver (detached, or its upstream gone), the newest timeline of the WAL segments in
 * {@code pg_wal} (the WAL it received or restored last). Not the last restartpoint's timeline: that lags
 * behind a standby that already replays a newer one until its next restartpoint, and a failover that
 * compares the standbys' positions (quorum commit's rule) would find them on "different" timelines.
 */
public record PgState(
        boolean running,
        boolean accepting,
        boolean inRecovery,
        long timeline,
        Lsn writeLsn,
        Lsn receiveLsn,
        Lsn replayLsn,
        String walReceiverStatus,
        String senderHost,
        int senderPort,
        int serverVersion,
        String systemIdentifier,
        Instant replayTimestamp,
        boolean replayPaused,
        Instant postmasterStart,
        String syncStandbyNames,
        boolean pendingRestart,
        List<Replica> replication,
        Map<String, Map<String, String>> pendingRestartReason) {

    public PgState {
        pendingRestartReason = pendingRestartReason == null ? Map.of() : Map.copyOf(pendingRestartReason);
    }

    /** A probe without the reason of a pending restart. */
    public PgState(
            boolean running,
            boolean accepting,
            boolean inRecovery,
            long timeline,
            Lsn writeLsn,
            Lsn receiveLsn,
            Lsn replayLsn,
            String walReceiverStatus,
            String senderHost,
            int senderPort,
            int serverVersion,
            String systemIdentifier,
            Instant replayTimestamp,
            boolean replayPaused,
            Instant postmasterStart,
            String syncStandbyNames,
            boolean pendingRestart,
            List<Replica> replication) {
        this(
                running,
                accepting,
                inRecovery,
                timeline,
                writeLsn,
                receiveLsn,
                replayLsn,
                walReceiverStatus,
                senderHost,
                senderPort,
                serverVersion,
                systemIdentifier,
                replayTimestamp,
                replayPaused,
                postmasterStart,
                syncStandbyNames,
                pendingRestart,
                replication,
                Map.of());
    }

    /** This probe with the settings that wait for a restart, and their old and new values. */
    public PgState withPendingRestartReason(Map<String, Map<String, String>> reason) {
        return new PgState(
                running,
                accepting,
                inRecovery,
                timeline,
                writeLsn,
                receiveLsn,
                replayLsn,
                walReceiverStatus,
                senderHost,
                senderPort,
                serverVersion,
                systemIdentifier,
                replayTimestamp,
                replayPaused,
                postmasterStart,
                syncStandbyNames,
                pendingRestart,
                replication,
                reason);
    }

    /** A row of pg_stat_replication (on a primary). */
    public record Replica(
            String usename,
            String applicationName,
            String clientAddr,
            String state,
            String syncState,
            int syncPriority) {}

    /** Not running at all. */
    public static PgState stopped() {
        return new PgState(
                false, false, false, 0, null, null, null, null, null, 0, 0, null, null, false, null, null, false,
                List.of());
    }

    /** Running but not (yet) accepting connections. */
    public static PgState starting() {
        return new PgState(
                true, false, false, 0, null, null, null, null, null, 0, 0, null, null, false, null, null, false,
                List.of());
    }

    /** Running, accepting and not in recovery. */
    public boolean isPrimary() {
        return running && accepting && !inRecovery;
    }

    /** Running, accepting and in recovery. */
    public boolean isStandby() {
        return running && accepting && inRecovery;
    }

    /** The WAL receiver streams. */
    public boolean streaming() {
        return "streaming".equals(walReceiverStatus);
    }
}
