package io.pgha.system;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A client that inserts numbered rows, one at a time, on its own thread through one JDBC URL (HAProxy's
 * read-write port), as an application would: short connect and socket timeouts, a new connection after
 * each failure. It records what happened: every acknowledged id (with the member that acknowledged it),
 * every failure with its time, and the time of every success, so that a test can ask when writes stopped
 * and resumed ({@link #outageSince}) and whether an acknowledged row was lost.
 *
 * <p>Times are {@link System#nanoTime()} readings, comparable with the test's own.
 */
final class Writer implements AutoCloseable {
    /** A failed insert: when it started and ended, its id (its outcome is unknown), and the error. */
    record Failure(long startedNanos, long failedNanos, Instant failedAt, long id, String error) {}

    /**
     * An acknowledged insert: when it was acknowledged, its id, the member ({@code cluster_name}) that did,
     * and how long it took (from the start of the attempt, a new connection included).
     */
    record Ack(long atNanos, long id, String member, long latencyNanos) {}

    /**
     * Writes were failing from {@code firstFailure} until {@code firstSuccess} (the first acknowledged
     * insert after it), which {@code resumedOn} acknowledged.
     */
    record Outage(long firstFailureNanos, long firstSuccessNanos, String resumedOn, int failures) {
        Duration duration() {
            return Duration.ofNanos(firstSuccessNanos - firstFailureNanos);
        }
    }

    private static final Duration PACE = Duration.ofMillis(20);
    private static final Duration RETRY_PACE = Duration.ofMillis(50);

    private final WriteTarget target;
    private final NavigableSet<Long> acknowledged = new ConcurrentSkipListSet<>();
    private final List<Ack> acks = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private volatile boolean stopping;
    private Thread thread;

    /**
     * A writer into {@code table} (created when missing: {@code id bigint primary key, member text}) on
     * {@code host:port} as user {@code user}.
     */
    Writer(String host, int port, String user, String password, String table) {
        this(host, port, user, password, table, "");
    }

    /**
     * Like {@link #Writer(String, int, String, String, String)}, with more JDBC URL parameters ({@code
     * &prepareThreshold=0} through PgBouncer's transaction pooling, whose 1.18 has no prepared statements).
     */
    Writer(String host, int port, String user, String password, String table, String moreParameters) {
        this.target = new WriteTarget(
                host,
                port,
                user,
                password,
                table,
                "connectTimeout=2&socketTimeout=5&loginTimeout=3&ApplicationName=pgha-writer" + moreParameters);
    }

    /** The table's name. */
    String table() {
        return target.table();
    }

    /** Creates the table (retrying for up to {@code timeout}) and starts writing. */
    Writer start(Duration timeout) {
        target.createTable(timeout);
        thread = new Thread(this::run, "writer-" + target.table());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        Connection connection = null;
        PreparedStatement insert = null;
        while (!stopping) {
            long id = nextId.getAndIncrement();
            long started = System.nanoTime();
            try {
                if (connection == null) {
                    connection = target.connect();
                    insert = target.prepareInsert(connection);
                }
                String member = WriteTarget.insert(insert, id);
                long at = System.nanoTime();
                acknowledged.add(id);
                synchronized (this) {
                    acks.add(new Ack(at, id, member, at - started));
                }
                LockSupport.parkNanos(PACE.toNanos());
            } catch (SQLException | RuntimeException e) {
                long failed = System.nanoTime();
                synchronized (this) {
                    failures.add(new Failure(started, failed, Instant.now(), id, WriteTarget.firstLine(e)));
                }
                WriteTarget.closeQuietly(connection);
                connection = null;
                insert = null;
                LockSupport.parkNanos(RETRY_PACE.toNanos());
            }
        }
        WriteTarget.closeQuietly(connection);
    }

    /** Every acknowledged id so far. */
    NavigableSet<Long> acknowledged() {
        return acknowledged;
    }

    /** Every failure so far, oldest first. */
    synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** The failures that ended after {@code nanos}. */
    synchronized List<Failure> failuresAfter(long nanos) {
        return failures.stream().filter(f -> f.failedNanos() - nanos > 0).toList();
    }

    /** How many inserts were acknowledged after {@code nanos}. */
    synchronized long acknowledgedAfter(long nanos) {
        return acks.stream().filter(a -> a.atNanos() - nanos > 0).count();
    }

    /** The acknowledged inserts that started after {@code nanos} and were acknowledged before {@code untilNanos}. */
    synchronized List<Ack> acksBetween(long nanos, long untilNanos) {
        return acks.stream()
                .filter(a -> a.atNanos() - a.latencyNanos() - nanos > 0 && untilNanos - a.atNanos() > 0)
                .toList();
    }

    /** The longest time without an acknowledged insert since {@code nanos} (up to now). */
    synchronized Duration longestGapSince(long nanos) {
        long last = nanos;
        long longest = 0;
        for (Ack a : acks) {
            if (a.atNanos() - nanos > 0) {
                longest = Math.max(longest, a.atNanos() - last);
                last = a.atNanos();
            }
        }
        return Duration.ofNanos(Math.max(longest, System.nanoTime() - last));
    }

    /** The member that acknowledged the latest insert, if any. */
    synchronized Optional<String> lastMember() {
        return acks.isEmpty()
                ? Optional.empty()
                : Optional.of(acks.get(acks.size() - 1).member());
    }

    /**
     * The first outage after {@code nanos}: from the first failure that ended after it to the first
     * acknowledged insert after that failure. Empty while writes have not failed, or have not resumed.
     */
    synchronized Optional<Outage> outageSince(long nanos) {
        Failure first = failures.stream()
                .filter(f -> f.failedNanos() - nanos > 0)
                .findFirst()
                .orElse(null);
        if (first == null) {
            return Optional.empty();
        }
        Optional<Ack> resumed =
                acks.stream().filter(a -> a.atNanos() - first.failedNanos() > 0).findFirst();
        return resumed.map(a -> new Outage(first.failedNanos(), a.atNanos(), a.member(), (int) failures.stream()
                .filter(f -> f.failedNanos() - nanos > 0 && a.atNanos() - f.failedNanos() > 0)
                .count()));
    }

    /** Creates the table, starts writing and waits until {@code count} inserts were acknowledged. */
    Writer startWarm(int count) {
        start(Duration.ofSeconds(30));
        io.pgha.local.Wait.until(
                Duration.ofSeconds(15),
                count + " writes acknowledged through " + target.jdbcUrl(),
                () -> acknowledged().size() >= count);
        return this;
    }

    /** Waits up to {@code deadline} until writes failed after {@code nanos} and were acknowledged again. */
    Outage awaitOutageSince(long nanos, Duration deadline) {
        Outage[] outage = new Outage[1];
        io.pgha.local.Wait.until(
                deadline, "writes acknowledged again through " + target.jdbcUrl() + " after they failed", () -> {
                    outage[0] = outageSince(nanos).orElse(null);
                    return outage[0] != null;
                });
        return outage[0];
    }

    /** The acknowledged ids that are not in this writer's table on the server at {@code jdbcUrl}. */
    java.util.TreeSet<Long> missingAt(String jdbcUrl) throws SQLException {
        java.util.Set<Long> present = new java.util.HashSet<>();
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl);
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rows = st.executeQuery("SELECT id FROM " + target.table())) {
            while (rows.next()) {
                present.add(rows.getLong(1));
            }
        }
        java.util.TreeSet<Long> missing = new java.util.TreeSet<>(acknowledged());
        missing.removeAll(present);
        return missing;
    }

    /** Stops writing and waits for the thread (an insert in flight ends within the socket timeout). */
    void stop() {
        stopping = true;
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
