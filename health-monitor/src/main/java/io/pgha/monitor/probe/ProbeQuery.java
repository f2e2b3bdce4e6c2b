package io.pgha.monitor.probe;

import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.monitor.decide.ProbeResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The one statement a probe runs (one round trip, works as a member of {@code pg_monitor}) and how
 * its row reads.
 */
final class ProbeQuery {
    static final String SQL = "SELECT r.in_recovery,"
            + " CASE WHEN r.in_recovery"
            + "  THEN COALESCE((SELECT received_tli FROM pg_stat_wal_receiver), (pg_control_checkpoint()).timeline_id)"
            + "  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS timeline,"
            + " CASE WHEN r.in_recovery THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,"
            + " pg_last_wal_receive_lsn()::text AS receive_lsn,"
            + " pg_last_wal_replay_lsn()::text AS replay_lsn,"
            + " CASE WHEN NOT r.in_recovery THEN NULL"
            + "  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0::float8"
            + "  ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS lag_seconds,"
            + " (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS connections,"
            + " current_setting('max_connections')::int AS max_connections,"
            + " a.failed_count AS archive_failed_count,"
            + " a.last_failed_time AS archive_last_failed_at,"
            + " (SELECT COALESCE(json_agg(json_build_object('application_name', application_name,"
            + "   'client_addr', host(client_addr), 'state', state, 'sync_state', sync_state,"
            + "   'sent_lsn', sent_lsn::text, 'replay_lsn', replay_lsn::text,"
            + "   'replay_lag', extract(epoch FROM replay_lag)::float8)), '[]'::json)::text"
            + "  FROM pg_stat_replication) AS standbys"
            + " FROM (SELECT pg_is_in_recovery() AS in_recovery) r, pg_stat_archiver a";

    private ProbeQuery() {}

    static ProbeResult read(Row row, Instant observedAt, long latencyMs) {
        boolean inRecovery = Boolean.TRUE.equals(row.getBoolean("in_recovery"));
        OffsetDateTime lastFailed = row.getOffsetDateTime("archive_last_failed_at");
        return new ProbeResult(
                observedAt,
                latencyMs,
                true,
                null,
                null,
                inRecovery ? NodeRole.REPLICA : NodeRole.PRIMARY,
                row.getInteger("timeline"),
                io.pgha.events.Lsn.parseNullable(row.getString("current_lsn")),
                io.pgha.events.Lsn.parseNullable(row.getString("receive_lsn")),
                io.pgha.events.Lsn.parseNullable(row.getString("replay_lsn")),
                row.getDouble("lag_seconds"),
                row.getInteger("connections"),
                row.getInteger("max_connections"),
                row.getLong("archive_failed_count"),
                lastFailed == null ? null : lastFailed.toInstant(),
                standbys(row.getString("standbys")));
    }

    private static List<ProbeResult.Standby> standbys(String json) {
        List<ProbeResult.Standby> standbys = new ArrayList<>();
        if (json == null) {
            return standbys;
        }
        for (Object entry : new JsonArray(json)) {
            JsonObject s = (JsonObject) entry;
            standbys.add(new ProbeResult.Standby(
                    s.getString("application_name"),
                    s.getString("client_addr"),
                    s.getString("state"),
                    s.getString("sync_state"),
                    io.pgha.events.Lsn.parseNullable(s.getString("sent_lsn")),
                    io.pgha.events.Lsn.parseNullable(s.getString("replay_lsn")),
                    s.getDouble("replay_lag")));
        }
        return standbys;
    }
}
