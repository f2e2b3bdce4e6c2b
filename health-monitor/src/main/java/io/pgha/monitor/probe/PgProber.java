package io.pgha.monitor.probe;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.monitor.MonitorConfig;
import io.pgha.monitor.decide.ErrorClassifier;
import io.pgha.monitor.decide.ErrorClassifier.ProbeTimeoutException;
import io.pgha.monitor.decide.ProbeResult;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Probes members with the Vert.x reactive PostgreSQL client. Each member has its own small pool: one
 * connection, kept open between probes and replaced when it fails or times out (a pooled connection
 * stuck on a frozen server could not be evicted otherwise). A probe gets connect-timeout +
 * statement-timeout in all; a reused connection that turns out dead is replaced once within that
 * budget, so a restarted server is not reported unreachable. A probe whose answer is null found the
 * member still logging in (within a grace period): it saw nothing new.
 */
@ApplicationScoped
public class PgProber implements MemberProber {
    private static final Logger LOG = Logger.getLogger(PgProber.class);
    private static final String APPLICATION_NAME = "pgha-health-monitor";
    /** How many probe intervals a connect may take before a probe waiting on it reports a timeout. */
    private static final int CONNECT_GRACE_INTERVALS = 5;

    /** Logins under way at most at once. */
    private static final int MAX_CONCURRENT_LOGINS = 16;

    private final ConcurrentMap<Target, MemberConnection> connections = new ConcurrentHashMap<>();
    private final ArrayDeque<Runnable> logins = new ArrayDeque<>();
    private int loggingIn;

    @Inject
    Vertx vertx;

    @Inject
    MonitorConfig config;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry registry;

    @Override
    public Future<ProbeResult> probe(Target target) {
        return connections.computeIfAbsent(target, MemberConnection::new).probe();
    }

    @Override
    public void release(Target target) {
        MemberConnection connection = connections.remove(target);
        if (connection != null) {
            connection.close();
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        List.copyOf(connections.keySet()).forEach(this::release);
    }

    /**
     * Logs in with at most {@value #MAX_CONCURRENT_LOGINS} logins under way at once, so that a
     * monitor that starts (or takes hundreds of members over) does not fork hundreds of backends
     * and run hundreds of SCRAM exchanges on the servers at the same moment; {@code started} runs
     * when this login leaves the queue.
     */
    private Future<PgConnection> login(PgConnectOptions options, Runnable started) {
        Promise<PgConnection> done = Promise.promise();
        Runnable start = () -> {
            started.run();
            registry.counter("pgha.probe.logins").increment();
            PgConnection.connect(vertx, options).onComplete(result -> {
                nextLogin();
                done.handle(result);
            });
        };
        synchronized (logins) {
            if (loggingIn >= MAX_CONCURRENT_LOGINS) {
                logins.add(start);
                return done.future();
            }
            loggingIn++;
        }
        start.run();
        return done.future();
    }

    private void nextLogin() {
        Runnable next;
        synchronized (logins) {
            next = logins.poll();
            if (next == null) {
                loggingIn--;
            }
        }
        if (next != null) {
            next.run();
        }
    }

    /** How many members have a connection open (for tests and the benchmark). */
    public long openConnections() {
        return connections.values().stream().filter(MemberConnection::open).count();
    }

    private final class MemberConnection {
        private final Target target;
        private final PgConnectOptions options;
        private PgConnection connection;
        private Future<PgConnection> connecting;
        private long connectingSince;
        private boolean loginStarted;
        private Future<Row> inFlight;
        private long inFlightSince;
        private long generation;
        private boolean closed;

        MemberConnection(Target target) {
            this.target = target;
            this.options = new PgConnectOptions()
                    .setHost(target.host())
                    .setPort(target.port())
                    .setDatabase(target.database())
                    .setUser(target.user())
                    .setConnectTimeout((int) config.connectTimeout().toMillis())
                    // bounds a login or a connection that hangs (a frozen server); probes keep it busy
                    .setIdleTimeout((int) config.probeInterval()
                            .multipliedBy(CONNECT_GRACE_INTERVALS)
                            .toMillis())
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                    .addProperty("application_name", APPLICATION_NAME)
                    .addProperty("statement_timeout", config.statementTimeout().toMillis() + "ms");
            if (target.password() != null) {
                options.setPassword(target.password());
            }
            ProbeTls.apply(options, config.postgresCaFile());
        }

        Future<ProbeResult> probe() {
            long started = System.nanoTime();
            long budget =
                    config.connectTimeout().plus(config.statementTimeout()).toMillis();
            Promise<ProbeResult> promise = Promise.promise();
            long timer = vertx.setTimer(budget, id -> timedOut(promise, started, budget));
            attempt(promise, started, timer, true);
            return promise.future();
        }

        /**
         * No answer within the budget: a timeout. A query in flight keeps its connection (an
         * overloaded server or monitor answers late; logging in again would only add load) until it
         * has hung for the grace period, then the connection is dropped (a frozen server). A connect
         * still in progress is left to finish for the next round (at start, hundreds of members log
         * in at once) and the round reports nothing new for this member, until the connect has taken
         * longer than the grace period: then it is a timeout too.
         */
        private void timedOut(Promise<ProbeResult> promise, long started, long budget) {
            boolean stillConnecting;
            boolean keep;
            synchronized (this) {
                long now = System.nanoTime();
                stillConnecting = connection == null
                        && connecting != null
                        && !connecting.isComplete()
                        && (!loginStarted || now - connectingSince < connectGraceNanos());
                keep = connection != null
                        && (inFlight == null || inFlight.isComplete() || now - inFlightSince < connectGraceNanos());
            }
            if (stillConnecting) {
                promise.tryComplete(null);
            } else if (promise.tryComplete(failed(new ProbeTimeoutException(budget), started)) && !keep) {
                drop("timeout");
            }
        }

        private void attempt(Promise<ProbeResult> promise, long started, long timer, boolean mayRetry) {
            Future<Row> answer;
            boolean reused;
            synchronized (this) {
                reused = connection != null;
                if (inFlight != null && !inFlight.isComplete()) {
                    answer = inFlight;
                } else if (reused) {
                    answer = query(connection);
                } else {
                    answer = connect().compose(this::query);
                }
            }
            answer.onComplete(done -> {
                if (promise.future().isComplete()) {
                    return;
                }
                if (done.succeeded()) {
                    vertx.cancelTimer(timer);
                    promise.tryComplete(read(done.result(), started));
                    return;
                }
                if (!sessionSurvives(done.cause())) {
                    drop("failure");
                }
                ErrorClass errorClass = ErrorClassifier.classify(done.cause());
                if (reused
                        && mayRetry
                        && (errorClass == ErrorClass.CONNECTION_REFUSED || errorClass == ErrorClass.OTHER)) {
                    attempt(promise, started, timer, false);
                    return;
                }
                vertx.cancelTimer(timer);
                promise.tryComplete(failed(done.cause(), started));
            });
        }

        /**
         * True when the session is still usable after {@code error}: PostgreSQL reported an ERROR
         * (say, statement_timeout cancelled the probe), not a FATAL one; logging in again would only
         * add load.
         */
        private boolean sessionSurvives(Throwable error) {
            synchronized (this) {
                if (connection == null) {
                    return false;
                }
            }
            if (!(error instanceof PgException pg)) {
                return false;
            }
            String state = pg.getSqlState() == null ? "" : pg.getSqlState();
            return !"FATAL".equals(pg.getSeverity())
                    && !"PANIC".equals(pg.getSeverity())
                    && !state.startsWith("08")
                    && !state.startsWith("57P");
        }

        /** Sends the probe query on {@code c}; a later probe waits for the same answer while it is out. */
        private synchronized Future<Row> query(PgConnection c) {
            inFlightSince = System.nanoTime();
            inFlight = c.query(ProbeQuery.SQL).execute().map(rows -> rows.iterator()
                    .next());
            return inFlight;
        }

        /**
         * The connect in progress, or a new one (when none is, or it has hung beyond the grace period
         * since its login started; waiting in the login queue does not count).
         */
        private synchronized Future<PgConnection> connect() {
            if (closed) {
                return Future.failedFuture(new IllegalStateException("released"));
            }
            if (connecting != null
                    && !connecting.isComplete()
                    && (!loginStarted || System.nanoTime() - connectingSince < connectGraceNanos())) {
                return connecting;
            }
            long attemptOf = ++generation;
            connectingSince = System.nanoTime();
            loginStarted = false;
            connecting = login(options, () -> {
                        synchronized (this) {
                            if (attemptOf == generation) {
                                connectingSince = System.nanoTime();
                                loginStarted = true;
                            }
                        }
                    })
                    .map(c -> {
                        synchronized (this) {
                            if (closed || attemptOf != generation) {
                                c.close();
                                throw new IllegalStateException("the probe gave up on this connection");
                            }
                            connection = c;
                            c.closeHandler(v -> forget(c));
                            c.exceptionHandler(e -> LOG.debugf("connection to %s failed: %s", target, e.toString()));
                        }
                        return c;
                    });
            return connecting;
        }

        private long connectGraceNanos() {
            return config.probeInterval().multipliedBy(CONNECT_GRACE_INTERVALS).toNanos();
        }

        private synchronized void forget(PgConnection c) {
            if (connection == c) {
                registry.counter("pgha.probe.connections.dropped", "reason", "closed")
                        .increment();
                connection = null;
            }
        }

        private synchronized void drop(String reason) {
            if (connection != null || connecting != null) {
                registry.counter("pgha.probe.connections.dropped", "reason", reason)
                        .increment();
            }
            generation++;
            connecting = null;
            inFlight = null;
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }

        synchronized boolean open() {
            return connection != null;
        }

        synchronized void close() {
            closed = true;
            drop("released");
        }

        private ProbeResult read(Row row, long started) {
            return ProbeQuery.read(row, clock.instant(), elapsedMillis(started));
        }

        private ProbeResult failed(Throwable error, long started) {
            return ProbeResult.unreachable(
                    clock.instant(),
                    elapsedMillis(started),
                    ErrorClassifier.classify(error),
                    ErrorClassifier.describe(error));
        }

        private long elapsedMillis(long started) {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }
    }
}
