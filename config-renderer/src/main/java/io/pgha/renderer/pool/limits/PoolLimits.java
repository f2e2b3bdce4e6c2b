package io.pgha.renderer.pool.limits;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits that keep the pooled endpoint from exhausting PostgreSQL, checked before a
 * {@code pgbouncer.ini} is rendered (a pure function; the caller fails its start on a problem).
 *
 * <p>The formula (every PgBouncer that points at the same primary counts: one per HAProxy/renderer):
 *
 * <pre>
 *   server connections = pgbouncers × pools × (default_pool_size + reserve_pool_size)
 *   server connections + superuser_reserved_connections + other connections  ≤  max_connections
 *   max_client_conn  ≥  pools × (default_pool_size + reserve_pool_size)
 * </pre>
 *
 * where {@code pools} is the number of database/user pairs that may open server connections on the
 * primary through one PgBouncer, and {@code other connections} the connections that bypass the pool and
 * are not superuser-reserved: the node-agents' and the health-monitor's probes, backup-service, clients
 * on HAProxy's {@code :5000} directly, {@code pg_dump}. Physical replication connections do not count:
 * since PostgreSQL 12 WAL senders have their own {@code max_wal_senders}. The second line is what
 * makes {@code max_client_conn} a real limit: below it, the pools' server connections can never all be
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
     * @param pgbouncers PgBouncers that point at the same primary
     * @param pools database/user pools of one PgBouncer that open server connections on the primary
     * @param defaultPoolSize PgBouncer's {@code default_pool_size}
     * @param reservePoolSize PgBouncer's {@code reserve_pool_size}
     * @param maxClientConn PgBouncer's {@code max_client_conn}
     */
    public record Sizing(
            long maxConnections,
            long superuserReservedConnections,
            long otherConnections,
            long pgbouncers,
            long pools,
            long defaultPoolSize,
            long reservePoolSize,
            long maxClientConn) {

        /** Server connections every PgBouncer together may open on the primary. */
        public long serverConnections() {
            return pgbouncers * pools * (defaultPoolSize + reservePoolSize);
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
            String pools,
            String defaultPoolSize,
            String reservePoolSize,
            String maxClientConn) {

        /** PgBouncer's and PostgreSQL's own names. */
        public static final Names PARAMETERS = new Names(
                "max_connections",
                "superuser_reserved_connections",
                "other connections",
                "PgBouncers",
                "pools",
                "default_pool_size",
                "reserve_pool_size",
                "max_client_conn");
    }

    /** Every rule the sizing breaks, each naming the properties and the numbers; empty when it is sound. */
    public static List<String> check(Sizing s, Names n) {
        List<String> problems = new ArrayList<>();
        atLeast(problems, n.maxConnections(), s.maxConnections(), 1);
        atLeast(problems, n.superuserReservedConnections(), s.superuserReservedConnections(), 0);
        atLeast(problems, n.otherConnections(), s.otherConnections(), 0);
        atLeast(problems, n.pgbouncers(), s.pgbouncers(), 1);
        atLeast(problems, n.pools(), s.pools(), 1);
        atLeast(problems, n.defaultPoolSize(), s.defaultPoolSize(), 1);
        atLeast(problems, n.reservePoolSize(), s.reservePoolSize(), 0);
        atLeast(problems, n.maxClientConn(), s.maxClientConn(), 1);
        if (!problems.isEmpty()) {
            return problems;
        }
        if (s.serverConnections() > s.budget()) {
            long perPool = s.budget() / (s.pgbouncers() * s.pools()) - s.reservePoolSize();
            problems.add(String.format(
                    "the pools may open %d server connections (%s %d × %s %d × (%s %d + %s %d)) but %s %d leaves"
                            + " %d for them (minus %s %d, minus %s %d): lower %s to at most %d or raise %s to at"
                            + " least %d",
                    s.serverConnections(),
                    n.pgbouncers(),
                    s.pgbouncers(),
                    n.pools(),
                    s.pools(),
                    n.defaultPoolSize(),
                    s.defaultPoolSize(),
                    n.reservePoolSize(),
                    s.reservePoolSize(),
                    n.maxConnections(),
                    s.maxConnections(),
                    s.budget(),
                    n.superuserReservedConnections(),
                    s.superuserReservedConnections(),
                    n.otherConnections(),
                    s.otherConnections(),
                    n.defaultPoolSize(),
                    Math.max(0, perPool),
                    n.maxConnections(),
                    s.serverConnections() + s.superuserReservedConnections() + s.otherConnections()));
        }
        long onePgbouncer = s.pools() * (s.defaultPoolSize() + s.reservePoolSize());
        if (s.maxClientConn() < onePgbouncer) {
            problems.add(String.format(
                    "%s %d is lower than the %d server connections one PgBouncer's pools may open (%s %d × (%s %d +"
                            + " %s %d)): raise %s to at least %d",
                    n.maxClientConn(),
                    s.maxClientConn(),
                    onePgbouncer,
                    n.pools(),
                    s.pools(),
                    n.defaultPoolSize(),
                    s.defaultPoolSize(),
                    n.reservePoolSize(),
                    s.reservePoolSize(),
                    n.maxClientConn(),
                    onePgbouncer));
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

    private static void atLeast(List<String> problems, String name, long value, long min) {
        if (value < min) {
            problems.add(String.format("%s is %d, must be at least %d", name, value, min));
        }
    }
}
