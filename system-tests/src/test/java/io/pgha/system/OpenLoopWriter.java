package io.pgha.system;

import io.pgha.local.Wait;
import io.pgha.system.OpenLoop.Attempt;
import io.pgha.system.OpenLoop.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An open-loop client, as a fleet of short-lived application processes sees the database: every
 * {@link #INTERVAL} it starts an attempt, whether or not the earlier ones have finished, on its own
 * bounded thread pool; each attempt opens a NEW connection through one JDBC URL (HAProxy's read-write
 * port), inserts one numbered row (the same insert as {@link Writer}'s, into its own table) and closes
 * the connection, and is given up after {@link #TIMEOUT} (then its connection is aborted). Every
 * attempt is recorded (start, end, {@link Outcome}, the member that acknowledged it or the error);
 * {@link OpenLoop#analyse} turns them into numbers.
 *
 * <p>Times are {@link System#nanoTime()} readings, comparable with the test's own.
 */
final class OpenLoopWriter implements AutoCloseable {
    /** One attempt starts every 50 ms. */
    static final Duration INTERVAL = Duration.ofMillis(50);
    /** An attempt not acknowledged within 3 s counts as timed out. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /**
     * At most this many attempts run at once (3 s / 50 ms = 60 can be in their timeout; the rest are
     * threads still unblocking after one): an attempt finding all busy is recorded as not started.
     */
    static final int THREADS = 120;

    private final WriteTarget target;
    private final ScheduledExecutorService clock;
    private final ThreadPoolExecutor pool;
    private final List<Attempt> attempts = new ArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong lastAck = new AtomicLong();
    private final AtomicLong lastFailure = new AtomicLong();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private volatile boolean stopping;

    /** A writer into {@code table} (created when missing) on {@code host:port} as {@code user}. */
    OpenLoopWriter(String host, int port, String user, String password, String table) {
        this(host, port, user, password, table, "");
    }

    /** Like {@link #OpenLoopWriter(String, int, String, String, String)}, with more JDBC URL parameters (TLS). */
    OpenLoopWriter(String host, int port, String user, String password, String table, String moreParameters) {
        long seconds = TIMEOUT.toSeconds();
        // the driver's own timeouts only free the threads; the 3 s deadline is this class's
        this.target = new WriteTarget(
                host,
                port,
                user,
                password,
                table,
                "connectTimeout=" + seconds + "&loginTimeout=" + (seconds + 1) + "&socketTimeout=" + (seconds + 1)
                        + "&tcpKeepAlive=false&ApplicationName=pgha-open-loop-writer" + moreParameters);
        this.clock = new ScheduledThreadPoolExecutor(1, daemons("open-loop-clock-" + table));
        this.pool = new ThreadPoolExecutor(
                0,
                THREADS,
                10,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                daemons("open-loop-" + table),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Creates the table (retrying for up to {@code timeout}) and starts the attempts. */
    OpenLoopWriter start(Duration timeout) {
        target.createTable(timeout);
        return startAttempts();
    }

    /** Starts the attempts, the table being there already. */
    OpenLoopWriter startAttempts() {
        clock.scheduleAtFixedRate(this::launch, 0, INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
        return this;
    }

    /** How many attempts have been started so far. */
    long started() {
        return nextId.get() - 1;
    }

    /** How many attempts have been acknowledged so far. */
    int acknowledged() {
        return acknowledged.get();
    }

    /** When the latest acknowledged attempt was acknowledged (0 before any). */
    long lastAckNanos() {
        return lastAck.get();
    }

    /** When the latest unacknowledged attempt ended (0 before any). */
    long lastFailureNanos() {
        return lastFailure.get();
    }

    /** Every attempt that has ended, by start. */
    List<Attempt> attempts() {
        synchronized (attempts) {
            return attempts.stream()
                    .sorted(Comparator.comparingLong(Attempt::startNanos))
                    .toList();
        }
    }

    /**
     * Stops starting attempts and waits until every started one has ended (at most {@link #TIMEOUT}
     * after it started: its timeout is scheduled when it starts, and the clock runs until then); returns
     * every attempt.
     */
    List<Attempt> stop() {
        synchronized (this) {
            if (stopping) {
                return attempts();
            }
            stopping = true; // no attempt starts after this; each started one has its timeout scheduled
        }
        try {
            Wait.until(TIMEOUT.plusSeconds(10), "every open-loop attempt ended", () -> ended() == started());
        } catch (IllegalStateException e) {
            // cannot happen while the clock runs the timeouts; if it does, report what has ended
            System.err.println("open-loop writer " + target.table() + ": " + e.getMessage());
        } finally {
            clock.shutdownNow();
            pool.shutdownNow(); // threads still blocked end with the driver's timeouts; their attempts are recorded
        }
        return attempts();
    }

    private int ended() {
        synchronized (attempts) {
            return attempts.size();
        }
    }

    @Override
    public void close() {
        stop();
    }

    // --- one attempt ---

    /** An attempt under way: whichever of its end and its timeout comes first records it. */
    private final class InFlight {
        final long id = nextId.getAndIncrement();
        final long started = System.nanoTime();
        final AtomicBoolean ended = new AtomicBoolean();
        final AtomicReference<Connection> connection = new AtomicReference<>();

        boolean end(Outcome outcome, String detail) {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            long now = System.nanoTime();
            synchronized (attempts) {
                attempts.add(new Attempt(id, started, now, outcome, detail));
            }
            if (outcome == Outcome.ACKNOWLEDGED) {
                acknowledged.incrementAndGet();
                lastAck.accumulateAndGet(now, Math::max);
            } else {
                lastFailure.accumulateAndGet(now, Math::max);
            }
            return true;
        }

        void timeOut() {
            if (end(Outcome.TIMED_OUT, "no answer within " + TIMEOUT.toMillis() + " ms")) {
                Connection c = connection.get();
                if (c != null) {
                    try {
                        c.abort(Runnable::run);
                    } catch (SQLException | RuntimeException e) {
                        // the attempt's thread closes it anyway
                    }
                }
            }
        }
    }

    private synchronized void launch() {
        if (stopping) {
            return;
        }
        InFlight attempt = new InFlight();
        try {
            pool.execute(() -> run(attempt));
        } catch (RejectedExecutionException e) {
            attempt.end(Outcome.NOT_STARTED, "all " + THREADS + " threads busy");
            return;
        }
        clock.schedule(attempt::timeOut, TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void run(InFlight attempt) {
        Connection connection = null;
        try {
            connection = target.connect();
            attempt.connection.set(connection);
            if (attempt.ended.get()) {
                return; // timed out while connecting
            }
            try (PreparedStatement insert = target.prepareInsert(connection)) {
                String member = WriteTarget.insert(insert, attempt.id);
                attempt.end(Outcome.ACKNOWLEDGED, member);
            }
        } catch (SQLException | RuntimeException e) {
            attempt.end(Outcome.FAILED, WriteTarget.firstLine(e));
        } finally {
            WriteTarget.closeQuietly(connection);
        }
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
