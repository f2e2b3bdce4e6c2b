package io.pgha.agent.api;

import io.pgha.agent.pg.PgState;
import io.pgha.events.Lsn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code GET /patroni} (and of every health check), with Patroni's field names; a field is
 * only reported with what is true of this member ({@code sync_standby} on a synchronous standby,
 * {@code quorum_standby} on a voter of a quorum sync key,
 * {@code pending_restart} while PostgreSQL says so, {@code failsafe_mode_is_active} while failsafe mode carries the primary).
 */
public final class PatroniStatus {
    private PatroniStatus() {}

    /** Patroni's {@code state}: stopped, starting (not accepting connections yet) or running. */
    public static String state(PgState pg) {
        return !pg.running() ? "stopped" : pg.accepting() ? "running" : "starting";
    }

    /** Patroni's {@code role}: primary, replica (also a fenced or stepping-down primary) or uninitialized. */
    public static String role(AgentView v) {
        PgState pg = v.pg();
        return pg.accepting() ? (pg.inRecovery() || v.fenced() ? "replica" : "primary") : "uninitialized";
    }

    /** The primary's WAL position ({@code xlog.location}); empty on a replica or a stopped member. */
    public static Optional<Lsn> location(PgState pg) {
        return pg.accepting() && !pg.inRecovery() ? Optional.ofNullable(pg.writeLsn()) : Optional.empty();
    }

    /** Patroni's {@code replication_state} of a replica (the WAL receiver's status, or stopped); else empty. */
    public static Optional<String> replicationState(PgState pg) {
        if (!pg.accepting() || !pg.inRecovery()) {
            return Optional.empty();
        }
        return Optional.of(pg.walReceiverStatus() == null ? "stopped" : pg.walReceiverStatus());
    }

    public static Map<String, Object> of(AgentView v) {
        PgState pg = v.pg();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", state(pg));
        if (pg.postmasterStart() != null) {
            body.put("postmaster_start_time", pg.postmasterStart().toString());
        }
        body.put("role", role(v));
        body.put("server_version", pg.serverVersion());
        Map<String, Object> xlog = new LinkedHashMap<>();
        if (location(pg).isPresent()) {
            xlog.put("location", location(pg).get().value());
        } else if (pg.accepting()) {
            xlog.put(
                    "received_location",
                    pg.receiveLsn() == null ? null : pg.receiveLsn().value());
            xlog.put(
                    "replayed_location",
                    pg.replayLsn() == null ? null : pg.replayLsn().value());
            xlog.put(
                    "replayed_timestamp",
                    pg.replayTimestamp() == null ? null : pg.replayTimestamp().toString());
            xlog.put("paused", pg.replayPaused());
        }
        body.put("xlog", xlog);
        body.put("timeline", pg.timeline());
        replicationState(pg).ifPresent(state -> body.put("replication_state", state));
        if (v.syncStandby()) {
            // as Patroni: present (true) only on a synchronous standby
            body.put("sync_standby", true);
        }
        if (v.quorumStandby()) {
            // as Patroni 4: present (true) only on a voter of a quorum sync key
            body.put("quorum_standby", true);
        }
        List<Map<String, Object>> replication = new ArrayList<>();
        for (PgState.Replica r : pg.replication()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("usename", r.usename());
            row.put("application_name", r.applicationName());
            row.put("client_addr", r.clientAddr());
            row.put("state", r.state());
            row.put("sync_state", r.syncState());
            row.put("sync_priority", r.syncPriority());
            replication.add(row);
        }
        body.put("replication", replication);
        if (pg.pendingRestart()) {
            body.put("pending_restart", true); // pg_settings.pending_restart
            if (!pg.pendingRestartReason().isEmpty()) {
                body.put("pending_restart_reason", pg.pendingRestartReason());
            }
        }
        // scheduled_restart is added by PatroniApi from RestActions (not part of the loop's view)
        body.put("pause", v.paused());
        v.lastError().ifPresent(e -> {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("action", e.action());
            error.put("reason", e.reason());
            error.put("permanent", e.permanent());
            error.put("failures", e.failures());
            error.put("next_attempt_in", e.nextAttemptInSeconds());
            body.put("last_error", error);
        });
        body.put("cluster_unlocked", v.leader().isEmpty());
        // a primary on failsafe rounds, or a replica that confirmed one within ttl
        body.put("failsafe_mode_is_active", v.failsafe().active());
        body.put("dcs_last_seen", v.dcsLastSeenEpochSeconds());
        body.put("tags", v.tags());
        body.put("database_system_identifier", pg.systemIdentifier());
        Map<String, Object> patroni = new LinkedHashMap<>();
        patroni.put("version", v.version());
        patroni.put("scope", v.scope());
        patroni.put("name", v.name());
        body.put("patroni", patroni);
        return body;
    }
}
