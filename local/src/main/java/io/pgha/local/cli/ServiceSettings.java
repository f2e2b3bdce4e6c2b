package io.pgha.local.cli;

import io.pgha.local.AgentNodes;
import io.pgha.local.Ports;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties each of pgha's services gets in the local cluster (no secret values: only paths of
 * secret files, so that nothing secret appears in a command line or a log).
 */
final class ServiceSettings {
    /** config-renderer's group id, and so its name in etcd ({@code routers/<name>}, its RBAC grant). */
    static final String RENDERER_NAME = "config-renderer-local";

    private ServiceSettings() {}

    /** Where a node's agent finds its secrets (copies readable by the user PostgreSQL runs as). */
    record AgentSecrets(Path apiToken, Path superuserPassword, Path replicationPassword, Path monitoringPassword) {}

    /** HAProxy's files, shared by {@code up} (which starts HAProxy) and config-renderer (which drives it). */
    record HaproxyFiles(Path config, Path masterSocket, Path runtimeSocket, Path stateFile) {
        static HaproxyFiles in(Path dir) {
            return new HaproxyFiles(
                    dir.resolve("haproxy.cfg"),
                    dir.resolve("master.sock"),
                    dir.resolve("runtime.sock"),
                    dir.resolve("server-state"));
        }
    }

    /** node-agent {@code name} owning the PostgreSQL on {@code pgHost:pgPort} with its data in {@code dataDir}. */
    static Map<String, String> agent(
            String cluster,
            String name,
            List<String> etcd,
            String pgHost,
            int pgPort,
            Path dataDir,
            AgentSecrets secrets,
            Path repository) {
        Map<String, String> p = new LinkedHashMap<>(AgentNodes.properties(name, etcd, pgHost, pgPort, dataDir));
        p.put("pgha.cluster", cluster);
        p.remove("pgha.restapi.token");
        p.put("pgha.restapi.token-file", secrets.apiToken().toString());
        p.put(
                "pgha.postgres.superuser.password-file",
                secrets.superuserPassword().toString());
        p.put(
                "pgha.postgres.replication.password-file",
                secrets.replicationPassword().toString());
        p.put(
                "pgha.postgres.monitoring.password-file",
                secrets.monitoringPassword().toString());
        // every member archives WAL to (and restores it from) the posix repository through its agent
        p.put("pgha.repository.type", "posix");
        p.put("pgha.repository.path", repository.toString());
        return p;
    }

    /**
     * {@code agent}'s settings without the backup repository ({@code pgha.repository.type=none}): no
     * {@code archive_command}, no {@code restore_command}, no WAL archive (for measuring what archiving
     * costs a failover; {@link LocalCluster#withoutRepository()}).
     */
    static Map<String, String> withoutRepository(Map<String, String> agent) {
        Map<String, String> p = new LinkedHashMap<>(agent);
        p.keySet().removeIf(key -> key.startsWith("pgha.repository."));
        p.put("pgha.repository.type", "none");
        return p;
    }

    /** failover-coordinator {@code name} (coordinator-0, coordinator-1). */
    static Map<String, String> coordinator(String name, List<String> etcd, Path apiToken, String kafka) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pgha.etcd.endpoints", String.join(",", etcd));
        p.put("pgha.coordinator.name", name);
        // the asynchronous fast failover waits for every router the deployment has: here the one renderer
        p.put("pgha.coordinator.fast-failover-routers", RENDERER_NAME);
        p.put("pgha.api.token-file", apiToken.toString());
        p.put("kafka.bootstrap.servers", kafka);
        p.put("pgha.messaging.instance", name);
        return p;
    }

    /**
     * The health-monitor (its password, {@code pgha.health-monitor.password}, goes in the environment as
     * {@code PGHA_HEALTH_MONITOR_PASSWORD}).
     */
    static Map<String, String> monitor(String kafka) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap.servers", kafka);
        p.put("pgha.messaging.instance", "health-monitor-0");
        return p;
    }

    /**
     * backup-service for {@code cluster}: the same posix repository as the agents, a spool folder for
     * pg_basebackup and drills, the superuser (pg_switch_wal, heartbeat) and replication (pg_basebackup)
     * passwords as files; it takes the first base backup at once, then one a day, drills every hour
     * and dumps every database once a day.
     */
    static Map<String, String> backup(
            String cluster,
            List<String> etcd,
            String kafka,
            Path repository,
            Path spool,
            Path apiToken,
            Path superuserPassword,
            Path replicationPassword) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pgha.etcd.endpoints", String.join(",", etcd));
        p.put("kafka.bootstrap.servers", kafka);
        p.put("pgha.messaging.instance", "backup-service-0");
        p.put("pgha.backup.name", "backup-service-0");
        p.put("pgha.backup.clusters", cluster);
        p.put("pgha.backup.spool", spool.toString());
        // a base backup a day (the first at once), a restore drill every hour, pg_dump once a day
        p.put("pgha.backup.interval", "24h");
        p.put("pgha.backup.drill.interval", "1h");
        p.put("pgha.backup.dump.interval", "24h");
        p.put("pgha.repository.type", "posix");
        p.put("pgha.repository.path", repository.toString());
        p.put("pgha.api.token-file", apiToken.toString());
        p.put("pgha.postgres.superuser.password-file", superuserPassword.toString());
        p.put("pgha.postgres.replication.password-file", replicationPassword.toString());
        return p;
    }

    /**
     * alert-service: Kafka as the other services, the Alertmanagers it posts to (comma list of base
     * URLs, each one directly, never a load balancer) and the folder of its persisted outbox.
     */
    static Map<String, String> alertService(String kafka, List<String> alertmanagers, Path outbox) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap.servers", kafka);
        p.put("pgha.messaging.instance", "alert-service-0");
        p.put("pgha.alert.name", "alert-service-0");
        p.put("pgha.alert.alertmanagers", String.join(",", alertmanagers));
        p.put("pgha.alert.outbox-dir", outbox.toString());
        return p;
    }

    /** The environment variable that carries the monitor's password. */
    static final String MONITOR_PASSWORD_ENV = "PGHA_HEALTH_MONITOR_PASSWORD";

    /**
     * config-renderer beside the HAProxy whose files are {@code haproxy}, serving {@code cluster}; it
     * reports in etcd which epoch its HAProxy routes by (a switchover answers once it does).
     */
    static Map<String, String> renderer(
            String cluster,
            List<String> etcd,
            String kafka,
            HaproxyFiles haproxy,
            int readWrite,
            int readOnly,
            int stats) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pgha.etcd.endpoints", String.join(",", etcd));
        p.put("kafka.bootstrap.servers", kafka);
        p.put("pgha.renderer.group-id", RENDERER_NAME);
        p.put("pgha.messaging.instance", "config-renderer-0");
        p.put("pgha.renderer.haproxy.config-path", haproxy.config().toString());
        p.put("pgha.renderer.haproxy.master-socket", haproxy.masterSocket().toString());
        p.put("pgha.renderer.haproxy.runtime-socket", haproxy.runtimeSocket().toString());
        p.put("pgha.renderer.haproxy.state-file", haproxy.stateFile().toString());
        p.put("pgha.renderer.bind-address", Ports.LOOPBACK);
        p.put("pgha.renderer.stats-port", Integer.toString(stats));
        p.put("pgha.renderer.clusters." + cluster + ".read-write-port", Integer.toString(readWrite));
        p.put("pgha.renderer.clusters." + cluster + ".read-only-port", Integer.toString(readOnly));
        return p;
    }

    /** PgBouncer's files: the configuration config-renderer renders and the auth file {@code up} writes. */
    record PoolerFiles(Path config, Path authFile) {
        static PoolerFiles in(Path dir) {
            return new PoolerFiles(dir.resolve("pgbouncer.ini"), dir.resolve("userlist.txt"));
        }
    }

    /** The environment variable of config-renderer's {@code pgha.renderer.pool.admin-password}. */
    static final String POOLER_ADMIN_PASSWORD_ENV = "PGHA_RENDERER_POOL_ADMIN_PASSWORD";

    /** The pooler's admin console user (in {@code admin_users} and the auth file). */
    static final String POOLER_ADMIN = "pgha_pooler_admin";

    /** The lookup role PgBouncer's {@code auth_query} runs as (created at bootstrap by the agents). */
    static final String POOLER_LOOKUP = "pgha_pooler";

    /**
     * config-renderer's pooler settings: PgBouncer on {@code port} pools cluster {@code cluster} (the
     * admin password goes in the environment, {@link #POOLER_ADMIN_PASSWORD_ENV}).
     */
    static Map<String, String> rendererPool(String cluster, PoolerFiles files, int port) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pgha.renderer.pool.enabled", "true");
        p.put("pgha.renderer.pool.cluster", cluster);
        p.put("pgha.renderer.pool.port", Integer.toString(port));
        p.put("pgha.renderer.pool.config-path", files.config().toString());
        p.put("pgha.renderer.pool.auth-file", files.authFile().toString());
        p.put("pgha.renderer.pool.auth-user", POOLER_LOOKUP);
        p.put("pgha.renderer.pool.admin-user", POOLER_ADMIN);
        p.put(
                "pgha.renderer.pool.psql",
                io.pgha.local.PostgresNode.binDir().resolve("psql").toString());
        return p;
    }

    /**
     * The configuration PgBouncer starts with, before config-renderer renders its own: the same listener,
     * auth file and admin user (those need a restart to change), no database yet. The renderer replaces it
     * and sends RELOAD. With {@code serverCa} (PostgreSQL runs with TLS), server connections use TLS
     * verified against it from the start, as config-renderer renders them.
     */
    static String initialPgBouncerConfig(PoolerFiles files, int port, java.util.Optional<String> serverCa) {
        String tls = serverCa.map(ca -> "server_tls_sslmode = verify-full\nserver_tls_ca_file = " + ca + "\n")
                .orElse("");
        return String.join(
                        "\n",
                        "; Started by ./pgha up; config-renderer replaces this file and sends RELOAD.",
                        "[databases]",
                        "",
                        "[pgbouncer]",
                        "listen_addr = " + Ports.LOOPBACK,
                        "listen_port = " + port,
                        "unix_socket_dir = ",
                        "auth_type = scram-sha-256",
                        "auth_file = " + files.authFile(),
                        "admin_users = " + POOLER_ADMIN,
                        "ignore_startup_parameters = extra_float_digits",
                        "")
                + tls; // still in [pgbouncer]
    }

    /**
     * The configuration HAProxy starts with, before any topology: what config-renderer renders for no
     * cluster (the stats listener and the runtime socket). The renderer replaces it.
     */
    static String initialHaproxyConfig(HaproxyFiles haproxy, int statsPort) {
        return String.join(
                "\n",
                "# Started by ./pgha up with no cluster; config-renderer replaces this file from pgha.topology.",
                "global",
                "    maxconn 1000",
                "    stats socket " + haproxy.runtimeSocket() + " mode 600 level admin expose-fd listeners",
                "    stats timeout 30s",
                "",
                "defaults",
                "    mode tcp",
                "    timeout connect 2s",
                "    timeout client 30m",
                "    timeout server 30m",
                "",
                "frontend stats",
                "    mode http",
                "    bind " + Ports.LOOPBACK + ":" + statsPort,
                "    http-request use-service prometheus-exporter if { path /metrics }",
                "    stats enable",
                "    stats uri /stats",
                "    stats refresh 5s",
                "");
    }
}
