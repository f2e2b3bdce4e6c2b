package io.pgha.renderer.pool;

import java.util.List;

/**
 * Renders {@code pgbouncer.ini} (pure; the same settings give the same bytes). Every read-write
 * database goes to HAProxy's read-write listener of the cluster and every {@code <db>_ro} to its
 * read-only listener: PgBouncer has no health checks, HAProxy's {@code /primary} checks (the leader key
 * in etcd) decide where writes go, even when the topology on Kafka is stale. A switchover is hidden from
 * clients by PAUSE/RESUME of the read-write pools ({@link PoolPause}), not by rewriting this file.
 */
public final class PgBouncerIniRenderer {
    private PgBouncerIniRenderer() {}

    /** The file for {@code settings}. */
    public static String render(PoolSettings s) {
        StringBuilder out = new StringBuilder();
        out.append("; rendered by pgha config-renderer for cluster ")
                .append(s.cluster())
                .append('\n');
        out.append("[databases]\n");
        for (String db : s.databases()) {
            out.append(entry(db, s.readWriteTarget(), s.readWritePort(), db));
            out.append(entry(PoolSettings.readOnlyName(db), s.readOnlyTarget(), s.readOnlyPort(), db));
        }
        out.append("\n[pgbouncer]\n");
        List<String[]> settings = new java.util.ArrayList<>(List.of(
                kv("listen_addr", s.listenAddress()),
                kv("listen_port", Integer.toString(s.port())),
                kv("unix_socket_dir", ""),
                kv("pool_mode", s.mode()),
                kv("auth_type", "scram-sha-256"),
                kv("auth_file", s.authFile().toAbsolutePath().toString()),
                kv("auth_user", s.authUser()),
                kv("auth_query", "SELECT uname, phash FROM pgha_pooler.user_lookup($1)"),
                kv("admin_users", s.adminUser()),
                kv("stats_users", s.adminUser()),
                kv("ignore_startup_parameters", "extra_float_digits"),
                kv("default_pool_size", Integer.toString(s.defaultPoolSize())),
                kv("reserve_pool_size", Integer.toString(s.reservePoolSize())),
                // within PostgreSQL's max_connections (PoolLimits, checked at start): whatever roles log in
                kv("max_db_connections", Integer.toString(s.maxDbConnections())),
                kv("max_client_conn", Integer.toString(s.maxClientConn())),
                kv("query_wait_timeout", Long.toString(s.queryWaitTimeout().toSeconds())),
                kv(
                        "server_login_retry",
                        Long.toString(Math.max(1, s.serverLoginRetry().toSeconds()))),
                kv(
                        "server_connect_timeout",
                        Long.toString(Math.max(1, s.serverConnectTimeout().toSeconds()))),
                // a server connection idle for 1 s is checked before reuse (HAProxy cuts those of a demoted primary)
                kv("server_check_delay", "1"),
                kv("server_reset_query", "DISCARD ALL"),
                kv("log_connections", "0"),
                kv("log_disconnections", "0")));
        if (s.serverCaFile() != null) {
            // the members refuse plaintext TCP when their PostgreSQL runs with TLS (hostnossl ... reject)
            settings.add(kv("server_tls_sslmode", "verify-full"));
            settings.add(
                    kv("server_tls_ca_file", s.serverCaFile().toAbsolutePath().toString()));
        }
        for (String[] setting : settings) {
            out.append(setting[0]).append(" = ").append(setting[1]).append('\n');
        }
        return out.toString();
    }

    private static String entry(String name, String host, int port, String dbname) {
        return name + " = host=" + host + " port=" + port + " dbname=" + dbname + "\n";
    }

    private static String[] kv(String key, String value) {
        return new String[] {key, value};
    }
}
