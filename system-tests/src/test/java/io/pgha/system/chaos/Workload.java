package io.pgha.system.chaos;

import io.pgha.local.Wait;
import io.pgha.system.chaos.History.Observation;
import io.pgha.system.chaos.History.Op;
import io.pgha.system.chaos.History.Serving;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;

/**
 * The chaos workload: {@code clients} threads that each append their own ids (1, 2, 3, ...) to one table
 * through HAProxy's read-write port, one transaction per id, on a fixed schedule (a late client does not
 * wait), and a reader that reads the whole table through the read-only port every few seconds. Each
 * write returns, from the transaction itself, who served it: the system identifier, the current
 * timeline, the server's port and {@code cluster_name} ({@link #SERVING_SQL}).
 *
 * <p>The current timeline of a primary is the first 8 hex digits of the name of the WAL file it is
 * inserting into ({@code pg_walfile_name(pg_current_wal_insert_lsn())}): it changes at the promotion
 * itself. {@code pg_control_checkpoint().timeline_id} would only change at the next checkpoint after
 * a promotion (PostgreSQL promotes without waiting for one), so it can name the old timeline for a
 * while.
 *
 * <p>Every client but the last keeps its connection until it fails, as a pooled application does; the
 * last one (with two or more clients) opens a new connection for every write. Found by the
 * asynchronous 100-fault run: the long-lived connections of a HAProxy worker replaced by a reload kept
 * writing to a primary whose agent was dead, after another member had been promoted; with every
 * client on such a connection no acknowledged write reached the new primary meanwhile, so the checker
 * saw a long loss but no second primary. A client that connects for each write goes through the
 * current worker, so two members acknowledging at the same time show up as two primaries.
 *
 * <p>A write that could not connect, or that the server rejected as read-only (SQLSTATE 25006), is
 * {@code FAIL}: it certainly did not commit. Any other error after the statement was sent (a broken
 * connection, a timeout, a cancelled wait for a synchronous standby) is {@code UNKNOWN}.
 */
public final class Workload implements AutoCloseable {
    public static final String TABLE = "chaos_list";

    /** The columns every write returns: who served it. */
    static final String SERVING_SQL = "inet_server_port(), current_setting('cluster_name'),"
            + " (SELECT system_identifier FROM pg_control_system())::text,"
            + " ('x' || substr(pg_walfile_name(pg_current_wal_insert_lsn()), 1, 8))::bit(32)::bigint";

    private static final String INSERT = "WITH appended AS (INSERT INTO " + TABLE
            + " (client, seq) VALUES (?, ?) RETURNING pos) SELECT " + SERVING_SQL + " FROM appended";
    private static final Duration PACE = Duration.ofMillis(50);
    private static final Duration READ_EVERY = Duration.ofSeconds(3);
    private static final int READ_WINDOW = 4000;
    private static final Duration BALLAST_EVERY = Duration.ofMillis(250);
    private static final String BALLAST = "chaos_ballast";

    private final String readWriteUrl;
    private final String readOnlyUrl;
    private final Properties login = new Properties();
    private final int clients;
    private final List<Op> ops = new ArrayList<>();
    private final List<Observation> reads = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private int ballastKbPerSecond;
    private volatile boolean stopping;
    private volatile boolean held;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * {@code clients} list-append clients through HAProxy's ports on {@code host}; {@code tlsParameters} are
     * more JDBC URL parameters ({@code &sslmode=verify-full&sslrootcert=...} while the cluster runs TLS).
     */
    public Workload(
            String host,
            int readWritePort,
            int readOnlyPort,
            String user,
            String password,
            int clients,
            String tlsParameters) {
        String options =
                "/postgres?connectTimeout=2&socketTimeout=5&loginTimeout=3&ApplicationName=pgha-chaos" + tlsParameters;
        this.readWriteUrl = "jdbc:postgresql://" + host + ":" + readWritePort + options;
        this.readOnlyUrl = "jdbc:postgresql://" + host + ":" + readOnlyPort + options;
        login.setProperty("user", user);
        login.setProperty("password", password);
        this.clients = clients;
    }

    /**
     * Adds a ballast writer: {@code kbPerSecond} KiB/s of unchecked rows (1 KiB each, in batches every
     * 250 ms, the table truncated every 200 batches) through the read-write port, so that standbys lag
     * behind by more than the checked writes alone and an asynchronous failover can lose acknowledged
     * writes the checker then measures. Call before {@link #start}.
     */
    public Workload ballast(int kbPerSecond) {
        if (kbPerSecond < 0) {
            throw new IllegalArgumentException("ballast must be >= 0 KiB/s, not " + kbPerSecond);
        }
        this.ballastKbPerSecond = kbPerSecond;
        return this;
    }

    /**
     * Creates the table afresh (retrying for up to {@code timeout}) and starts the clients and the reader.
     * Afresh: a second run in the same suite (the long runs of both modes in one JVM) numbers its ids from
     * 1 again, and the previous run's rows made every write of it fail on the unique key (2026-12-05).
     */
    public Workload start(Duration timeout) {
        Wait.until(timeout, "table " + TABLE + " created through " + readWriteUrl, () -> {
            try (Connection c = DriverManager.getConnection(readWriteUrl, login);
                    Statement st = c.createStatement()) {
                st.execute(
                        "DROP TABLE IF EXISTS " + TABLE + "; CREATE TABLE " + TABLE
                                + " (pos bigserial PRIMARY KEY, client int NOT NULL, seq bigint NOT NULL, UNIQUE (client, seq))");
                return true;
            }
        });
        for (int client = 1; client <= clients; client++) {
            int id = client;
            threads.add(daemon("chaos-client-" + id, () -> write(id)));
        }
        threads.add(daemon("chaos-reader", this::read));
        if (ballastKbPerSecond > 0) {
            threads.add(daemon("chaos-ballast", this::ballast));
        }
        return this;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void write(int client) {
        Connection connection = null;
        PreparedStatement insert = null;
        long seq = 1;
        long next = System.nanoTime();
        boolean connectEachWrite = clients > 1 && client == clients;
        while (!stopping) {
            if (held) {
                LockSupport.parkNanos(PACE.toNanos());
                next = System.nanoTime();
                continue;
            }
            inFlight.incrementAndGet();
            long invoked = System.nanoTime();
            boolean sent = false;
            try {
                if (connection == null) {
                    connection = DriverManager.getConnection(readWriteUrl, login);
                    insert = connection.prepareStatement(INSERT);
                }
                insert.setInt(1, client);
                insert.setLong(2, seq);
                sent = true;
                Serving serving;
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    serving = new Serving(row.getString(3), row.getLong(4), row.getInt(1), row.getString(2));
                }
                record(Op.ok(client, seq, invoked, System.nanoTime(), serving));
                if (connectEachWrite) {
                    closeQuietly(connection);
                    connection = null;
                    insert = null;
                }
            } catch (SQLException | RuntimeException e) {
                long failed = System.nanoTime();
                boolean certain = !sent || (e instanceof SQLException s && "25006".equals(s.getSQLState()));
                record(certain ? Op.failed(client, seq, invoked, failed) : Op.unknown(client, seq, invoked, failed));
                closeQuietly(connection);
                connection = null;
                insert = null;
            } finally {
                inFlight.decrementAndGet();
            }
            seq++;
            next += PACE.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime(); // late: no burst to catch up
            }
        }
        closeQuietly(connection);
    }

    private void ballast() {
        int rows = Math.max(1, ballastKbPerSecond / 4);
        long batches = 0;
        Connection connection = null;
        while (!stopping) {
            if (!held) {
                try {
                    if (connection == null) {
                        connection = DriverManager.getConnection(readWriteUrl, login);
                    }
                    try (Statement st = connection.createStatement()) {
                        st.execute("CREATE TABLE IF NOT EXISTS " + BALLAST + " (id bigserial, pad text)");
                        st.execute(
                                batches % 200 == 199
                                        ? "TRUNCATE " + BALLAST
                                        : "INSERT INTO " + BALLAST + " (pad) SELECT repeat(md5(random()::text), 32)"
                                                + " FROM generate_series(1, " + rows + ")");
                    }
                    batches++;
                } catch (SQLException e) {
                    closeQuietly(connection); // the ballast is not checked: try again on a new connection
                    connection = null;
                }
            }
            LockSupport.parkNanos(BALLAST_EVERY.toNanos());
        }
        closeQuietly(connection);
    }

    private void read() {
        while (!stopping) {
            if (!held) {
                try (Connection c = DriverManager.getConnection(readOnlyUrl, login)) {
                    Observation o = tail(c, "read :5001", System.nanoTime());
                    synchronized (this) {
                        reads.add(o);
                    }
                } catch (SQLException e) {
                    // unavailable reads are not judged; the next one may succeed
                }
            }
            LockSupport.parkNanos(READ_EVERY.toNanos());
        }
    }

    /**
     * The table's last {@value #READ_WINDOW} rows, as read on {@code c}: reading the whole table every
     * few seconds would grow without bound over a long run (in memory and in time).
     */
    static Observation tail(Connection c, String source, long at) throws SQLException {
        return read(
                c,
                source,
                at,
                "SELECT client, seq FROM (SELECT pos, client, seq FROM " + TABLE + " ORDER BY pos DESC LIMIT "
                        + READ_WINDOW + ") AS last ORDER BY pos",
                false);
    }

    /** Every client's ids in the table's order, as read on {@code c} (the member is its cluster_name). */
    static Observation table(Connection c, String source, long at) throws SQLException {
        return read(c, source, at, "SELECT client, seq FROM " + TABLE + " ORDER BY pos", true);
    }

    private static Observation read(Connection c, String source, long at, String sql, boolean complete)
            throws SQLException {
        Map<Integer, List<Long>> ids = new LinkedHashMap<>();
        String member;
        try (Statement st = c.createStatement()) {
            try (ResultSet name = st.executeQuery("SELECT current_setting('cluster_name')")) {
                name.next();
                member = name.getString(1);
            }
            try (ResultSet rows = st.executeQuery(sql)) {
                while (rows.next()) {
                    ids.computeIfAbsent(rows.getInt(1), k -> new ArrayList<>()).add(rows.getLong(2));
                }
            }
        }
        return new Observation(source, member, at, ids, complete);
    }

    private synchronized void record(Op op) {
        ops.add(op);
    }

    /**
     * Holds the clients (and the reader) and returns once no write is in flight, so that every member
     * can be read at one point of the history; {@link #release()} lets them go on.
     */
    public void hold() {
        held = true;
        Wait.until(Duration.ofSeconds(15), "no chaos write in flight", () -> inFlight.get() == 0);
    }

    public void release() {
        held = false;
    }

    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    public synchronized List<Observation> reads() {
        return List.copyOf(reads);
    }

    /** How many writes were acknowledged after {@code nanos}. */
    public synchronized long acknowledgedAfter(long nanos) {
        return ops.stream()
                .filter(op -> op.outcome() == History.Outcome.OK && op.completeNanos() - nanos > 0)
                .count();
    }

    @Override
    public void close() {
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already broken
            }
        }
    }
}
