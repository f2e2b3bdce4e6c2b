package io.pgha.agent.api;

import io.pgha.agent.pg.PgState;
import io.pgha.events.Lsn;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Patroni's {@code GET /metrics} as a pure function of the agent's view: the metric names, help
 * texts, types, order and labels ({@code scope}, {@code name}) that Patroni 4 documents in
 * docs/rest_api.rst, so dashboards and alerts written for Patroni work unchanged. The values come
 * from the same derivations as {@code GET /patroni} ({@link PatroniStatus}).
 *
 * <p>What pgha does not have reads as Patroni reads it when off: no standby cluster
 * ({@code patroni_standby_leader} 0); {@code patroni_quorum_standby} is 1 on a voter of a quorum
 * sync key ({@code synchronous_mode: quorum}); {@code
 * patroni_failsafe_*} from the view's failsafe state.
 */
public final class PatroniMetrics {
    /** Patroni's {@code PostgresqlState} indexes that pgha's states map to. */
    static final String STATE_VALUES = "0=initdb, 1=initdb_failed, 2=custom_bootstrap, 3=custom_bootstrap_failed,"
            + " 4=creating_replica, 5=running, 6=starting, 7=bootstrap_starting, 8=start_failed, 9=restarting,"
            + " 10=restart_failed, 11=stopping, 12=stopped, 13=stop_failed, 14=crashed";

    private PatroniMetrics() {}

    /** The metrics text (Prometheus text format 0.0.4), every line ending with a newline. */
    public static String render(AgentView v) {
        PgState pg = v.pg();
        String role = PatroniStatus.role(v);
        boolean replica = "replica".equals(role);
        Optional<String> replicationState = PatroniStatus.replicationState(pg);
        Text t = new Text(labels(v.scope(), v.name()));
        t.gauge("patroni_version", "Patroni semver without periods.", semver(v.version()));
        t.gauge(
                "patroni_postgres_running",
                "Value is 1 if Postgres is running, 0 otherwise.",
                flag("running".equals(PatroniStatus.state(pg))));
        t.gauge(
                "patroni_postmaster_start_time",
                "Epoch seconds since Postgres started.",
                epochSeconds(pg.postmasterStart()));
        t.gauge("patroni_primary", "Value is 1 if this node is the leader, 0 otherwise.", flag("primary".equals(role)));
        t.counter(
                "patroni_xlog_location",
                "Current location of the Postgres transaction log, 0 if this node is not the leader.",
                bytes(PatroniStatus.location(pg)));
        t.gauge("patroni_standby_leader", "Value is 1 if this node is the standby_leader, 0 otherwise.", "0");
        t.gauge("patroni_replica", "Value is 1 if this node is a replica, 0 otherwise.", flag(replica));
        t.gauge(
                "patroni_sync_standby",
                "Value is 1 if this node is a sync standby replica, 0 otherwise.",
                flag(v.syncStandby()));
        t.gauge(
                "patroni_quorum_standby",
                "Value is 1 if this node is a quorum standby replica, 0 otherwise.",
                flag(v.quorumStandby()));
        t.counter(
                "patroni_xlog_received_location",
                "Current location of the received Postgres transaction log, 0 if this node is not a replica.",
                replicaBytes(pg, pg.receiveLsn()));
        t.counter(
                "patroni_xlog_replayed_location",
                "Current location of the replayed Postgres transaction log, 0 if this node is not a replica.",
                replicaBytes(pg, pg.replayLsn()));
        t.gauge(
                "patroni_xlog_replayed_timestamp",
                "Current timestamp of the replayed Postgres transaction log, 0 if null.",
                pg.isStandby() ? epochSeconds(pg.replayTimestamp()) : "0");
        t.gauge(
                "patroni_xlog_paused",
                "Value is 1 if the Postgres xlog is paused, 0 otherwise.",
                flag(pg.isStandby() && pg.replayPaused()));
        if (pg.serverVersion() >= 90600) {
            t.gauge(
                    "patroni_postgres_streaming",
                    "Value is 1 if Postgres is streaming, 0 otherwise.",
                    flag(replicationState.filter("streaming"::equals).isPresent()));
            t.gauge(
                    "patroni_postgres_in_archive_recovery",
                    "Value is 1 if Postgres is replicating from archive, 0 otherwise.",
                    flag(replicationState.filter("in archive recovery"::equals).isPresent()));
        }
        t.gauge(
                "patroni_postgres_server_version",
                "Version of Postgres (if running), 0 otherwise.",
                Integer.toString(pg.serverVersion()));
        t.gauge(
                "patroni_cluster_unlocked",
                "Value is 1 if the cluster is unlocked, 0 if locked.",
                flag(v.leader().isEmpty()));
        t.gauge(
                "patroni_failsafe_mode_is_active",
                "Value is 1 if failsafe mode is active, 0 otherwise.",
                flag(v.failsafe().active()));
        t.gauge(
                "patroni_failsafe_mode_enabled",
                "Value is 1 if failsafe_mode is enabled, 0 otherwise.",
                flag(v.failsafe().enabled()));
        t.gauge(
                "patroni_failsafe_member",
                "Value is 1 if this node is a member of failsafe, 0 otherwise.",
                flag(v.failsafe().member()));
        t.gauge(
                "patroni_postgres_timeline",
                "Postgres timeline of this node (if running), 0 otherwise.",
                Long.toString(pg.timeline()));
        t.gauge(
                "patroni_dcs_last_seen",
                "Epoch timestamp when DCS was last contacted successfully by Patroni.",
                Long.toString(v.dcsLastSeenEpochSeconds()));
        t.gauge(
                "patroni_pending_restart",
                "Value is 1 if the node needs a restart, 0 otherwise.",
                flag(pg.accepting() && pg.pendingRestart()));
        t.gauge("patroni_is_paused", "Value is 1 if auto failover is disabled, 0 otherwise.", flag(v.paused()));
        t.help("patroni_postgres_state", "Numeric representation of Postgres state.");
        t.line("# Values: " + STATE_VALUES);
        t.sample("patroni_postgres_state", "gauge", state(pg));
        t.gauge("patroni_failover_priority", "Failover priority of this node.", failoverPriority(v.tags()));
        return t.toString();
    }

    /** {@code {scope="...",name="..."}} with label values escaped as the text format wants. */
    static String labels(String scope, String name) {
        return "{scope=\"" + escape(scope) + "\",name=\"" + escape(name) + "\"}";
    }

    private static String escape(String value) {
        return String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Patroni's semver without periods, each part padded to two digits: 0.1.0 → 000100; a suffix is dropped. */
    static String semver(String version) {
        StringBuilder padded = new StringBuilder();
        for (String part : version.split("\\.")) {
            String digits = part.replaceAll("\\D.*$", "");
            padded.append(digits.length() < 2 ? "0".repeat(2 - digits.length()) + digits : digits);
        }
        return padded.toString();
    }

    private static String flag(boolean value) {
        return value ? "1" : "0";
    }

    /** Seconds since the epoch with the microseconds Patroni shows, 0 when unknown. */
    private static String epochSeconds(Instant instant) {
        if (instant == null) {
            return "0";
        }
        long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
        return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }

    private static String bytes(Optional<Lsn> lsn) {
        return lsn.map(l -> Long.toUnsignedString(l.value())).orElse("0");
    }

    private static String replicaBytes(PgState pg, Lsn lsn) {
        return bytes(pg.isStandby() ? Optional.ofNullable(lsn) : Optional.empty());
    }

    /** Patroni's index of pgha's three states (a stopped, starting or running postmaster). */
    private static String state(PgState pg) {
        return switch (PatroniStatus.state(pg)) {
            case "running" -> "5";
            case "starting" -> "6";
            default -> "12";
        };
    }

    /** 0 when tagged nofailover, else the failover_priority tag (1 when absent), as Patroni computes it. */
    private static String failoverPriority(Map<String, Object> tags) {
        if (Boolean.TRUE.equals(tags.get("nofailover"))) {
            return "0";
        }
        Object priority = tags.get("failover_priority");
        return priority instanceof Number n ? Long.toString(n.longValue()) : "1";
    }

    /** The lines, each metric as HELP, TYPE and one sample with the member's labels. */
    private static final class Text {
        private final StringBuilder out = new StringBuilder();
        private final String labels;

        Text(String labels) {
            this.labels = labels;
        }

        void gauge(String name, String help, String value) {
            help(name, help);
            sample(name, "gauge", value);
        }

        void counter(String name, String help, String value) {
            help(name, help);
            sample(name, "counter", value);
        }

        void help(String name, String help) {
            line("# HELP " + name + " " + help);
        }

        void sample(String name, String type, String value) {
            line("# TYPE " + name + " " + type);
            line(name + labels + " " + value);
        }

        void line(String line) {
            out.append(line).append('\n');
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
