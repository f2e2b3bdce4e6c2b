package io.pgha.renderer.pool.limits;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits that keep the pooled endpoint from exhausting PostgreSQL, checked before a
 * {@code pgbouncer.ini} is rendered (a pure function; the caller fails its start on a problem).
 *
 * <p>The formula. Every PgBouncer whose server connections can reach the primary counts (one beside
 * each HAProxy/renderer); {@code databases} are those of its databases whose server connections can land
 * on the primary (the read-write ones, and the read-only ones too while the read-only listener may fall
 * back to the primary); a pool is a database/user pair:
 *
 * <pre>
 *   per database    = users × (default_pool_size + reserve_pool_size), capped by max_db_connections if set
 *   per PgBouncer   = databases × per database
 *   pgbouncers × per PgBouncer + superuser_reserved_connections + other connections  ≤  max_connections
 *   max_client_conn ≥ per PgBouncer
 * </pre>
 *
 * {@code other connections} are those that bypass the pool and are not superuser-reserved: the
 * node-agents' and the health-monitor's probes, backup-service, clients on HAProxy's {@code :5000}
 * directly, {@code pg_dump}. Physical replication does not count: since PostgreSQL 12 WAL senders have
 * their own {@code max_wal_senders}. With {@code auth_query} any role may log in, so {@code users} is a
 * guess unless {@code max_db_connections} caps each database whatever the users: set it. The last line
 * makes {@code max_client_conn} a real limit: below it the pools' server connections could never all be
 * used.
 */
public final class PoolLimits {
    private PoolLimits() {}

    /**
     * The numbers the formula takes.
     *
     * @param maxConnections PostgreSQL's {@code max_connections} (the same on every member)
     * @param superuserReservedConnections PostgreSQL's {@code superuser_reserved_connections} (3 by default)
     * @param otherConnections connections to the primary that bypass the pool (headroom)
     * @param pgbouncers PgBouncers whose server connections can reach the primary
     * @param databases databases of one PgBouncer whose server connections can land on the primary
     * @param usersPerDatabase roles that use each database through the pool
     * @param defaultPoolSize PgBouncer's {@code default_pool_size}
     * @param reservePoolSize PgBouncer's {@code reserve_pool_size}
     * @param maxDbConnections PgBouncer's {@code max_db_connections} (0: no cap)
     * @param maxClientConn PgBouncer's {@code max_client_conn}
     */
    public record Sizing(
            long maxConnections,
            long superuserReservedConnections,
            long otherConnections,
            long pgbouncers,
            long databases,
            long usersPerDatabase,
            long defaultPoolSize,
            long reservePoolSize,
            long maxDbConnections,
            long maxClientConn) {

        /** Server connections one database of one PgBouncer may open. */
        public long perDatabase() {
            long pools = usersPerDatabase * (defaultPoolSize + reservePoolSize);
            return maxDbConnections > 0 ? Math.min(maxDbConnections, pools) : pools;
        }

        /** Server connections one PgBouncer may open on the primary. */
        public long perPgBouncer() {
            return databases * perDatabase();
        }

        /** Server connections every PgBouncer together may open on the primary. */
        public long serverConnections() {
            return pgbouncers * perPgBouncer();
        }

        /** What {@code max_connections} leaves to the pools. */
        public long budget() {
            return maxConnections - superuserReservedConnections - otherConnections;
        }
    }

    /** The configuration property (or PostgreSQL parameter) each number comes from, for the messages. */
    public record Names(
            String maxConnections,
            String superuserReservedConnections,
            String otherConnections,
            String pgbouncers,
            String databases,
            String usersPerDatabase,
            String defaultPoolSize,
            String reservePoolSize,
            String maxDbConnections,
            String maxClientConn) {

        /** PgBouncer's and PostgreSQL's own names. */
        public static final Names PARAMETERS = new Names(
                "max_connections",
                "superuser_reserved_connections",
                "other connections",
                "PgBouncers",
                "databases",
                "users per database",
                "default_pool_size",
                "reserve_pool_size",
                "max_db_connections",
                "max_client_conn");
    }

    /** Every rule the sizing breaks, each naming the properties and the numbers; empty when it is sound. */
    public static List<String> check(Sizing s, Names n) {
        List<String> problems = new ArrayList<>();
        atLeast(problems, n.maxConnections(), s.maxConnections(), 1);
        atLeast(problems, n.superuserReservedConnections(), s.superuserReservedConnections(), 0);
        atLeast(problems, n.otherConnections(), s.otherConnections(), 0);
        atLeast(problems, n.pgbouncers(), s.pgbouncers(), 1);
        atLeast(problems, n.databases(), s.databases(), 1);
        atLeast(problems, n.usersPerDatabase(), s.usersPerDatabase(), 1);
        atLeast(problems, n.defaultPoolSize(), s.defaultPoolSize(), 1);
        atLeast(problems, n.reservePoolSize(), s.reservePoolSize(), 0);
        atLeast(problems, n.maxDbConnections(), s.maxDbConnections(), 0);
        atLeast(problems, n.maxClientConn(), s.maxClientConn(), 1);
        if (!problems.isEmpty()) {
            return problems;
        }
        if (s.serverConnections() > s.budget()) {
            long perDatabaseFits = Math.max(0, s.budget() / (s.pgbouncers() * s.databases()));
            problems.add(String.format(
                    "the pools may open %d server connections on the primary (%s %d × %s %d × %s) but %s %d"
                            + " leaves %d for them (minus %s %d, minus %s %d): set %s to at most %d, or lower the"
                            + " pool sizes, or raise %s to at least %d",
                    s.serverConnections(),
                    n.pgbouncers(),
                    s.pgbouncers(),
                    n.databases(),
                    s.databases(),
                    perDatabase(s, n),
                    n.maxConnections(),
                    s.maxConnections(),
                    s.budget(),
                    n.superuserReservedConnections(),
                    s.superuserReservedConnections(),
                    n.otherConnections(),
                    s.otherConnections(),
                    n.maxDbConnections(),
                    perDatabaseFits,
                    n.maxConnections(),
                    s.serverConnections() + s.superuserReservedConnections() + s.otherConnections()));
        }
        if (s.maxClientConn() < s.perPgBouncer()) {
            problems.add(String.format(
                    "%s %d is lower than the %d server connections one PgBouncer may open (%s %d × %s): raise %s"
                            + " to at least %d",
                    n.maxClientConn(),
                    s.maxClientConn(),
                    s.perPgBouncer(),
                    n.databases(),
                    s.databases(),
                    perDatabase(s, n),
                    n.maxClientConn(),
                    s.perPgBouncer()));
        }
        return problems;
    }

    /**
     * Throws when {@link #check} finds a problem: the message lists every problem, for a start that
     * must fail.
     */
    public static void require(Sizing s, Names n) {
        List<String> problems = check(s, n);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the pooler's limits would let it exhaust PostgreSQL's connections: "
                    + String.join("; ", problems));
        }
    }

    private static String perDatabase(Sizing s, Names n) {
        String pools = String.format(
                "%s %d × (%s %d + %s %d)",
                n.usersPerDatabase(),
                s.usersPerDatabase(),
                n.defaultPoolSize(),
                s.defaultPoolSize(),
                n.reservePoolSize(),
                s.reservePoolSize());
        return s.maxDbConnections() > 0
                ? String.format("min(%s, %s %d)", pools, n.maxDbConnections(), s.maxDbConnections())
                : "(" + pools + ")";
    }

    private static void atLeast(List<String> problems, String name, long value, long min) {
        if (value < min) {
            problems.add(String.format("%s is %d, must be at least %d", name, value, min));
        }
    }
}
