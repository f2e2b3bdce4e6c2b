package io.pgha.monitor.it;

import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.local.LocalInfra;
import io.pgha.local.PostgresNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Three real PostgreSQL servers (pg-0 primary, pg-1 and pg-2 streaming from it) with the monitoring
 * role set up as the README says: {@code pgha_monitor}, a member of pg_monitor, logging in with a
 * SCRAM password (a pg_hba line before the trust lines, copied to the replicas by pg_basebackup).
 */
final class MonitoredServers {
    static final String MONITOR_USER = "pgha_monitor";
    static final String MONITOR_PASSWORD = "monitor-secret";

    final PostgresNode primary;
    final PostgresNode replica1;
    final PostgresNode replica2;

    private MonitoredServers(PostgresNode primary, PostgresNode replica1, PostgresNode replica2) {
        this.primary = primary;
        this.replica1 = replica1;
        this.replica2 = replica2;
    }

    /** Starts the three servers; {@code primarySettings} are ALTER SYSTEM settings applied with a restart first. */
    static MonitoredServers start(LocalInfra infra, Map<String, String> primarySettings) throws Exception {
        PostgresNode primary = infra.postgres("pg-0");
        // The statements of health-monitor/README.md.
        primary.execute("CREATE ROLE " + MONITOR_USER + " WITH LOGIN PASSWORD '" + MONITOR_PASSWORD + "'"
                + " NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT");
        primary.execute("GRANT pg_monitor TO " + MONITOR_USER);
        primary.execute("ALTER ROLE " + MONITOR_USER + " SET statement_timeout = '1s'");
        requirePassword(primary);
        if (!primarySettings.isEmpty()) {
            for (Map.Entry<String, String> setting : primarySettings.entrySet()) {
                primary.execute("ALTER SYSTEM SET " + setting.getKey() + " = '" + setting.getValue() + "'");
            }
            primary.stop();
            primary.start();
        }
        PostgresNode replica1 = infra.replica("pg-1", primary);
        PostgresNode replica2 = infra.replica("pg-2", primary);
        return new MonitoredServers(primary, replica1, replica2);
    }

    /** The three, in the order pg-0, pg-1, pg-2. */
    List<PostgresNode> all() {
        return List.of(primary, replica1, replica2);
    }

    /** A topology of cluster {@code cluster} whose members are the three servers, pg-0 leading. */
    TopologyChanged topology(String cluster) {
        List<Member> members = new ArrayList<>();
        for (PostgresNode node : all()) {
            members.add(new Member(
                    node.name(),
                    node == primary ? MemberRole.LEADER : MemberRole.REPLICA,
                    "running",
                    node.host(),
                    node.port(),
                    "http://" + node.host() + ":8008/patroni",
                    1,
                    null,
                    Map.of()));
        }
        return new TopologyChanged(cluster, 1, primary.name(), members, List.of(), false, Instant.now());
    }

    /** The role must log in with its password: a scram-sha-256 line before the trust lines. */
    private static void requirePassword(PostgresNode node) throws IOException, SQLException {
        Path hba = node.dataDir().resolve("pg_hba.conf");
        String lines = Files.readString(hba);
        Files.writeString(hba, "host all " + MONITOR_USER + " 127.0.0.0/8 scram-sha-256\n" + lines);
        node.execute("SELECT pg_reload_conf()");
    }
}
