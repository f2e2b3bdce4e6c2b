package io.pgha.renderer.pool;

import io.pgha.events.ElectionEvent;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.renderer.pool.PgBouncerControl.PgBouncerException;
import io.pgha.renderer.pool.PoolPause.Action;
import io.pgha.renderer.pool.PoolPause.Decision;
import io.pgha.renderer.pool.PoolPause.State;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Keeps the PgBouncer beside this renderer running {@link PgBouncerIniRenderer}'s file (RELOAD, never a
 * restart) and pauses its read-write pools around planned switchovers and while the primary is lost
 * ({@link PoolPause}). One thread of its own: the admin console's PAUSE waits for running transactions,
 * and must not hold up HAProxy's routing. Every {@link #TICK} it also reads how many servers HAProxy's
 * read-write backend has up ({@link ReadWriteBackend}).
 */
public final class PoolRouting implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PoolRouting.class);
    private static final Duration TICK = Duration.ofMillis(200);

    /**
     * How long a PAUSE for a lost primary waits for running transactions: PgBouncer holds new ones as soon
     * as it takes the command (the waiting is only for the running ones, which a dead primary may never
     * answer), so past this the pools count as paused once {@code SHOW DATABASES} says so.
     */
    static final Duration FAILOVER_PAUSE_WAIT = Duration.ofSeconds(2);

    /** Where the pooler's state is reported (the etcd routing reports the coordinator reads). */
    public interface Reports {
        Reports NONE = (cluster, pausedEpoch) -> {};

        /** The pools of {@code cluster} are paused for the switchover of {@code pausedEpoch}, or running (null). */
        void pool(String cluster, Long pausedEpoch);
    }

    private final PoolSettings settings;
    private final PgBouncerControl pgbouncer;
    private final Clock clock;
    private final Reports reports;
    private final ReadWriteBackend readWrite;
    private final ScheduledExecutorService worker;
    private final String desired;

    // written only on the worker thread; read by paused() and status() on others, hence volatile
    private volatile State state = State.RUNNING;
    private long routedEpoch = -1;
    private String routedLeader;
    private volatile boolean configured;
    private boolean resumeOwed;

    public PoolRouting(
            PoolSettings settings,
            PgBouncerControl pgbouncer,
            Clock clock,
            Reports reports,
            ReadWriteBackend readWrite) {
        this.settings = settings;
        this.readWrite = readWrite;
        this.pgbouncer = pgbouncer;
        this.clock = clock;
        this.reports = reports;
        this.desired = PgBouncerIniRenderer.render(settings);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pool-routing");
            t.setDaemon(true);
            return t;
        });
        reports.pool(settings.cluster(), null);
        worker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    public PoolSettings settings() {
        return settings;
    }

    /** True once PgBouncer runs the rendered file. */
    public boolean configured() {
        return configured;
    }

    /** True while the read-write pools are paused for a switchover (for status and tests). */
    public boolean paused() {
        return state.paused();
    }

    /** An event of pgha.election: a switchover started (pause) or failed (resume). */
    public void election(ElectionEvent event) {
        if (event instanceof ElectionEvent.SwitchoverStarted started) {
            worker.execute(() -> apply(PoolPause.switchoverStarted(
                    state,
                    settings.cluster(),
                    started.cluster(),
                    started.epoch(),
                    started.leader(),
                    started.occurredAt(),
                    routedEpoch,
                    clock.instant(),
                    settings.maxPause())));
        } else if (event instanceof ElectionEvent.SwitchoverFailed failed) {
            worker.execute(() -> apply(PoolPause.switchoverFailed(state, settings.cluster(), failed.cluster())));
        }
    }

    /** HAProxy now routes by these topologies (called after each apply). */
    public void routed(Collection<TopologyChanged> inForce) {
        for (TopologyChanged topology : inForce) {
            if (topology.cluster().equals(settings.cluster())) {
                worker.execute(() -> {
                    if (topology.epoch() >= routedEpoch) {
                        routedEpoch = topology.epoch();
                        routedLeader = topology.leader();
                    }
                    apply(PoolPause.routed(state, topology));
                });
            }
        }
    }

    private void tick() {
        try {
            if (!configured) {
                configure();
            }
            if (resumeOwed) {
                resumeOwed = !resumeAll();
            }
            if (configured) {
                readWrite
                        .upServers()
                        .ifPresent(up -> apply(
                                PoolPause.readWriteServers(state, up, routedEpoch, routedLeader, clock.instant())));
            }
            apply(PoolPause.tick(state, clock.instant(), settings.maxPause(), settings.maxFailoverPause()));
        } catch (RuntimeException e) {
            LOG.warnf("pooler step failed (tried again): %s", e.getMessage());
        }
    }

    /** Writes the rendered file when it differs from the one on disk, then RELOAD. */
    private void configure() {
        if (!desired.equals(pgbouncer.currentConfig().orElse(null))) {
            pgbouncer.install(desired);
            LOG.infof("pgbouncer.ini written to %s", settings.configPath());
        }
        try {
            pgbouncer.command("RELOAD");
            configured = true;
            LOG.infof("PgBouncer on port %d runs the rendered configuration (%s)", settings.port(), settings);
        } catch (PgBouncerException e) {
            LOG.debugf("PgBouncer not reachable yet (retrying): %s", e.getMessage());
        }
    }

    private void apply(Decision decision) {
        if (decision.action() == Action.NONE) {
            state = decision.next();
            return;
        }
        MDC.put("cluster", settings.cluster());
        try {
            if (decision.action() == Action.PAUSE) {
                pause(decision);
            } else {
                resume(decision);
            }
        } finally {
            MDC.remove("cluster");
        }
    }

    private void pause(Decision decision) {
        long started = System.nanoTime();
        try {
            boolean failover = decision.next().cause() == PoolPause.Cause.PRIMARY_LOST;
            for (String db : settings.databases()) {
                if (failover) {
                    pauseHoldingNewTransactions(db);
                } else {
                    pgbouncer.command("PAUSE " + db); // waits (max-pause) for the running transactions
                }
            }
            state = decision.next();
            // the coordinator waits for the switchover's epoch; a pause for a lost primary is not reported
            reports.pool(settings.cluster(), failover ? null : state.epoch());
            LOG.infof(
                    "read-write pools paused (%s) in %d ms",
                    decision.reason(), (System.nanoTime() - started) / 1_000_000);
        } catch (PgBouncerException e) {
            LOG.warnf(
                    "could not pause the read-write pools (%s): resuming them: %s", decision.reason(), e.getMessage());
            resumeOwed = !resumeAll();
            state = State.RUNNING;
            reports.pool(settings.cluster(), null);
        }
    }

    /**
     * PAUSE for a lost primary, bounded by {@link #FAILOVER_PAUSE_WAIT}: when PAUSE does not return in
     * time (running transactions on the dead primary), the pool is paused all the same if {@code SHOW
     * DATABASES} says so.
     */
    private void pauseHoldingNewTransactions(String db) {
        try {
            pgbouncer.command("PAUSE " + db, FAILOVER_PAUSE_WAIT);
        } catch (PgBouncerException e) {
            if (!pgbouncer.paused(db)) {
                throw e;
            }
            LOG.infof("PAUSE %s still waits for running transactions; new ones are held (%s)", db, e.getMessage());
        }
    }

    private void resume(Decision decision) {
        Duration paused = Duration.between(state.since(), clock.instant());
        resumeOwed = !resumeAll(); // retried every tick until PgBouncer takes it
        state = decision.next();
        reports.pool(settings.cluster(), null);
        LOG.infof("read-write pools resumed after %d ms: %s", paused.toMillis(), decision.reason());
    }

    /** RESUME of every read-write pool; false when one failed (not "not paused", which is fine). */
    private boolean resumeAll() {
        boolean all = true;
        for (String db : settings.databases()) {
            try {
                pgbouncer.command("RESUME " + db);
            } catch (PgBouncerException e) {
                if (!e.getMessage().contains("not paused")) {
                    LOG.warnf("RESUME %s failed (tried again): %s", db, e.getMessage());
                    all = false;
                }
            }
        }
        return all;
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
