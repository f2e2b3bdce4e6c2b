package io.pgha.renderer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Settings of config-renderer, under {@code pgha.renderer}. {@link RendererSettings} checks them at start. */
@ConfigMapping(prefix = "pgha.renderer")
public interface RendererConfig {
    /** The Kafka consumer group of this instance: one group per renderer, so every HAProxy sees every change. */
    @WithName("group-id")
    String groupId();

    /** This renderer's name in its etcd routing reports ({@code routers/<name>}); the group id when not set. */
    Optional<String> name();

    /** The TTL of the lease its routing reports are bound to: a stopped renderer is not waited for after it. */
    @WithName("report-ttl")
    @WithDefault("10s")
    Duration reportTtl();

    /** The HAProxy this renderer drives. */
    Haproxy haproxy();

    /** The ports of each cluster this HAProxy serves; a topology of any other cluster is ignored (and counted). */
    Map<String, Cluster> clusters();

    /** The address every HAProxy listener binds. */
    @WithDefault("127.0.0.1")
    String bindAddress();

    /** The port of HAProxy's stats page ({@code /stats}) and Prometheus exporter ({@code /metrics}). */
    @WithDefault("7000")
    int statsPort();

    /** HAProxy's global {@code maxconn}. */
    @WithDefault("1000")
    int maxconn();

    /**
     * HAProxy's global {@code hard-stop-after}: a worker replaced by a reload ends its sessions this long
     * after the reload (it runs no health check any more). Keep {@code hard-stop-after + checks.fall x
     * (checks.inter + checks.timeout) + 1 s < ttl}; see DESIGN.md, "Reloads end old sessions".
     */
    @WithDefault("2s")
    Duration hardStopAfter();

    /** Health checks of the members' agents. */
    Checks checks();

    /** HAProxy's timeouts. */
    Timeouts timeouts();

    /** The read-only listener. */
    ReadOnly readOnly();

    /** The PgBouncer pooler beside HAProxy (off unless {@code pgha.renderer.pool.enabled=true}). */
    Pool pool();

    /** How often a reload that could not reach HAProxy (not running yet) is tried again. */
    @WithDefault("1s")
    Duration retryInterval();

    interface Haproxy {
        /** The {@code haproxy} binary used for {@code haproxy -c}. */
        @WithDefault("haproxy")
        String binary();

        /** The configuration file HAProxy was started with ({@code -f}); the renderer swaps it atomically. */
        Path configPath();

        /** HAProxy's master socket ({@code -S}), for reloads. */
        Path masterSocket();

        /** The runtime API socket the renderer declares ({@code stats socket ... level admin}). */
        Path runtimeSocket();

        /**
         * Where server states are saved just before a reload and read by the new worker (default:
         * {@code server-state} beside the configuration file), so a member that was down stays down.
         */
        Optional<Path> stateFile();

        /** How long {@code haproxy -c} may take. */
        @WithDefault("10s")
        Duration validateTimeout();

        /** How long a reload may take until the master reports its outcome. */
        @WithDefault("10s")
        Duration reloadTimeout();
    }

    interface Cluster {
        /** The read-write port (clients reach the primary there). */
        int readWritePort();

        /** The read-only port (clients reach a replica there). */
        int readOnlyPort();
    }

    interface Checks {
        /** Interval between two health checks of a member ({@code inter}). */
        @WithDefault("1s")
        Duration inter();

        /** Failed checks before a member is marked down ({@code fall}). */
        @WithDefault("2")
        int fall();

        /** Passed checks before a member is marked up ({@code rise}). */
        @WithDefault("1")
        int rise();

        /** How long one check may take ({@code timeout check}). */
        @WithDefault("2s")
        Duration timeout();

        /**
         * PEM file of the CA that signed the agents' certificates: HAProxy verifies an agent whose api_url
         * is {@code https} with it ({@code check-ssl verify required ca-file}); absent: the system's CAs
         * ({@code @system-ca}). Give the same file as {@code pgha.agent-api.ca-file} elsewhere.
         */
        @WithName("ca-file")
        Optional<Path> caFile();
    }

    interface Timeouts {
        /** {@code timeout connect}. */
        @WithDefault("2s")
        Duration connect();

        /** {@code timeout client}: how long a client session may stay idle. */
        @WithDefault("30m")
        Duration client();

        /** {@code timeout server}. */
        @WithDefault("30m")
        Duration server();
    }

    interface ReadOnly {
        /** The most WAL a replica may lag and still take read-only clients ({@code /replica?lag=}), e.g. 16MB. */
        @WithDefault("16MB")
        String maxLag();

        /** HAProxy's {@code balance} algorithm among replicas. */
        @WithDefault("roundrobin")
        String balance();

        /** Send read-only clients to the primary while no replica is up. */
        @WithDefault("true")
        boolean fallbackToPrimary();

        /**
         * The read-only backend's check interval while a replica is steadily up or down ({@code inter});
         * after a check that differs, and while it is down, it is checked every {@code checks.inter}
         * ({@code fastinter}, {@code downinter}). Patroni's HAProxy template checks every 3 s.
         */
        @WithDefault("3s")
        Duration checkInter();
    }

    interface Pool {
        /** Render and drive a PgBouncer for {@link #cluster()}. */
        @WithDefault("false")
        boolean enabled();

        /** The cluster it pools: one of {@code pgha.renderer.clusters}. */
        Optional<String> cluster();

        /** PgBouncer's {@code listen_port}. */
        @WithDefault("6432")
        int port();

        /** The databases pooled: {@code <db>} read-write (to HAProxy's read-write port), {@code <db>_ro} read-only. */
        @WithDefault("postgres")
        java.util.List<String> databases();

        /** {@code transaction} (default: a server connection per transaction) or {@code session}. */
        @WithDefault("transaction")
        String mode();

        /** The {@code pgbouncer.ini} PgBouncer was started with; swapped atomically, then RELOAD (never a restart). */
        Optional<Path> configPath();

        /** PgBouncer's {@code auth_file}, provided by the platform: the admin user and the lookup role only. */
        Optional<Path> authFile();

        /** The least-privilege lookup role ({@code auth_user}; created at bootstrap by the node-agent). */
        @WithDefault("pgha_pooler")
        String authUser();

        /** The admin console user ({@code admin_users}, listed in the auth file). */
        @WithDefault("pgha_pooler_admin")
        String adminUser();

        /** Its password (for {@code psql} to the admin console). */
        Optional<String> adminPassword();

        /**
         * The CA of the members' PostgreSQL server certificates. Set it when PostgreSQL runs with TLS (which
         * refuses plaintext TCP): PgBouncer's server connections then use {@code server_tls_sslmode =
         * verify-full} with this file as {@code server_tls_ca_file}. Absent: plaintext server connections.
         */
        Optional<Path> serverCaFile();

        /** The {@code psql} used for the admin console. */
        @WithDefault("/usr/lib/postgresql/15/bin/psql")
        String psql();

        /**
         * Server connections per (database, user) pool ({@code default_pool_size}). With the defaults of the
         * limits below: 2 databases × {@code max-db-connections} 18 = 36 ≤ 50 − 3 − 10 (see {@code PoolLimits}).
         */
        @WithDefault("15")
        int defaultPoolSize();

        /** Extra server connections a pool may open when a client waited 5 s ({@code reserve_pool_size}). */
        @WithDefault("3")
        int reservePoolSize();

        /**
         * The most server connections of one database, whatever the users ({@code max_db_connections}; 0: no
         * cap). {@code auth_query} lets any role in, so this is what bounds a database's pools.
         */
        @WithDefault("18")
        int maxDbConnections();

        /** Client connections PgBouncer accepts ({@code max_client_conn}). */
        @WithDefault("1000")
        int maxClientConn();

        /**
         * PostgreSQL's {@code max_connections} on the members (the node-agent's is 50): the pools must fit in
         * it. Not read from the server: checked at start, before PostgreSQL may be reachable.
         */
        @WithDefault("50")
        int maxConnections();

        /** PostgreSQL's {@code superuser_reserved_connections} on the members. */
        @WithDefault("3")
        int superuserReservedConnections();

        /**
         * Connections to the primary that bypass the pools: agents' and health-monitor's probes, backup-service,
         * clients on HAProxy's read-write port, {@code pg_dump} (headroom kept out of the pools' reach).
         */
        @WithDefault("10")
        int otherConnections();

        /** PgBouncers whose server connections reach the same primary (one beside each renderer/HAProxy). */
        @WithDefault("1")
        int instances();

        /** Roles that use each database through the pool (counts only when {@code max-db-connections} is 0). */
        @WithDefault("1")
        int usersPerDatabase();

        /** The longest the read-write pools stay paused for a switchover before they resume anyway. */
        @WithDefault("10s")
        Duration maxPause();

        /**
         * The longest the read-write pools stay paused when HAProxy's read-write backend lost its last server
         * (the primary is lost); longer than an unplanned failover takes (the leader key's {@code ttl}, 10 s,
         * plus the promotion).
         */
        @WithDefault("20s")
        Duration maxFailoverPause();

        /** {@code query_wait_timeout}: how long a query waits for a server connection (the new primary). */
        @WithDefault("30s")
        Duration queryWaitTimeout();

        /** {@code server_login_retry}: the wait after a failed server login before the next attempt. */
        @WithDefault("1s")
        Duration serverLoginRetry();

        /** {@code server_connect_timeout}. */
        @WithDefault("3s")
        Duration serverConnectTimeout();
    }
}
