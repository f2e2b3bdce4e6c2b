package io.pgha.renderer.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The PgBouncer pooler of one cluster, beside this renderer's HAProxy (checked at start by
 * {@code RendererSettings}).
 *
 * @param cluster the cluster it pools (one of the renderer's clusters)
 * @param listenAddress the address PgBouncer listens on
 * @param port PgBouncer's port ({@code listen_port}; 6432 under {@code ./pgha up})
 * @param readWriteTarget where the read-write pools' server connections go: HAProxy's read-write
 *     listener of the cluster (host:port), whose {@code /primary} checks have the last word
 * @param readOnlyTarget where the read-only pools go: HAProxy's read-only listener
 * @param databases the database names pooled; each {@code <db>} is read-write and {@code <db>_ro} read-only
 * @param mode {@code transaction} (default) or {@code session}
 * @param configPath the {@code pgbouncer.ini} PgBouncer was started with; swapped atomically, then RELOAD
 * @param authFile PgBouncer's {@code auth_file}: only the admin user and the lookup role (a secret the
 *     platform provides; application users are looked up with {@code auth_query})
 * @param authUser the least-privilege lookup role ({@code auth_user})
 * @param adminUser a user of {@code admin_users}, listed in the auth file
 * @param adminPassword its password (for {@code psql}; never logged)
 * @param psql the {@code psql} used for the admin console
 * @param defaultPoolSize server connections per (database, user) pool
 * @param reservePoolSize {@code reserve_pool_size}: extra server connections for a pool whose clients waited
 * @param maxDbConnections {@code max_db_connections}: server connections per database, whatever the users (0: none)
 * @param maxClientConn client connections PgBouncer accepts
 * @param maxPause the longest the read-write pools stay paused for a switchover; then they resume
 * @param maxFailoverPause the longest the read-write pools stay paused for a lost primary
 * @param queryWaitTimeout how long a client's query may wait for a server connection
 *     ({@code query_wait_timeout}): during an unplanned failover, the bound clients wait for the new primary
 * @param serverLoginRetry how long PgBouncer waits after a failed server login before trying again
 * @param serverConnectTimeout {@code server_connect_timeout}
 * @param serverCaFile the CA of the members' PostgreSQL certificates: with it, PgBouncer's server
 *     connections use TLS and verify the server ({@code server_tls_sslmode = verify-full}); null: plaintext
 */
public record PoolSettings(
        String cluster,
        String listenAddress,
        int port,
        String readWriteTarget,
        int readWritePort,
        String readOnlyTarget,
        int readOnlyPort,
        List<String> databases,
        String mode,
        Path configPath,
        Path authFile,
        String authUser,
        String adminUser,
        String adminPassword,
        String psql,
        int defaultPoolSize,
        int reservePoolSize,
        int maxDbConnections,
        int maxClientConn,
        Duration maxPause,
        Duration maxFailoverPause,
        Duration queryWaitTimeout,
        Duration serverLoginRetry,
        Duration serverConnectTimeout,
        Path serverCaFile) {
    public PoolSettings {
        databases = List.copyOf(databases);
    }

    /** The read-only database name of {@code database}. */
    public static String readOnlyName(String database) {
        return database + "_ro";
    }

    @Override
    public String toString() {
        return "PoolSettings[cluster=" + cluster + ", " + listenAddress + ":" + port + ", mode=" + mode + ", databases="
                + databases + "]"; // never the admin password
    }
}
