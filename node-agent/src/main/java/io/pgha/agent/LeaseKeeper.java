package io.pgha.agent;

import io.pgha.agent.decide.Fencing;
import io.pgha.agent.decide.MonotonicClock;
import io.pgha.core.store.ClusterStore;
import io.pgha.core.store.StoreException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Keeps the agent's etcd lease alive and fences a primary whose lease may expire, on two threads of
 * its own ({@code pgha-lease}, {@code pgha-fencing}) that never wait for the loop or for PostgreSQL:
 * whatever the loop does (a handover, a stop, a rewind, a clone), the lease is renewed every {@code
 * loop_wait} and the fencing deadline is checked every 100 ms. It owns the lease id, the monotonic
 * instant the last successful renewal was sent, and the fenced flag. See DESIGN.md, "The fencing
 * argument".
 */
public final class LeaseKeeper {
    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);
    static final Duration FENCING_CHECK = Duration.ofMillis(100);

    /** What the keeper needs from the agent. Its calls come from the keeper's threads. */
    public interface Holder {
        /** True while the agent acts as the primary: only a primary is fenced. */
        boolean actingPrimary();

        /** True while the cluster is paused (maintenance): a paused primary is never fenced. */
        boolean paused();

        /** Stops accepting writes now (restart read-only); called on a keeper thread. */
        void demote(String reason);

        /** The lease expired and {@code lease} replaces it: register the member key again. */
        void leaseReplaced(long lease);

        /**
         * Failsafe mode: one round of {@code POST /failsafe} after a renewal failed for want of etcd; the
         * monotonic instant to count as a renewal sent when every member confirmed, else empty.
         */
        default Optional<Long> failsafeRound() {
            return Optional.empty();
        }

        /** Sets the log context (cluster, member) of a keeper thread. */
        default void logContext() {}
    }

    private final ClusterStore store;
    private final MonotonicClock clock;
    private final Holder holder;
    private final Supplier<Duration> ttl;
    private final Supplier<Duration> renewEvery;
    private final AtomicBoolean fenced = new AtomicBoolean();
    private volatile boolean demoting;
    private volatile Fencing fencing;
    private volatile long lease;
    private volatile long lastRenewalSentNanos;
    private volatile boolean onFailsafe;
    private volatile boolean running;
    private ScheduledExecutorService renewer;
    private ScheduledExecutorService watchdog;

    /**
     * @param ttl the lease TTL asked for when a lease is granted (the dynamic config's, read each time)
     * @param renewEvery the renewal period (loop_wait, read each time)
     */
    public LeaseKeeper(
            ClusterStore store,
            MonotonicClock clock,
            Fencing fencing,
            Supplier<Duration> ttl,
            Supplier<Duration> renewEvery,
            Holder holder) {
        this.store = store;
        this.clock = clock;
        this.fencing = fencing;
        this.ttl = ttl;
        this.renewEvery = renewEvery;
        this.holder = holder;
    }

    /** Grants the first lease (on the caller's thread, before anything is bound to it). */
    public long grant() {
        long sent = clock.nanoTime();
        lease = store.grantLease(ttl.get());
        lastRenewalSentNanos = sent;
        return lease;
    }

    /** Starts renewing and watching the fencing deadline. */
    public synchronized void start() {
        running = true;
        renewer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pgha-lease"));
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pgha-fencing"));
        renewer.execute(holder::logContext);
        watchdog.execute(holder::logContext);
        renewer.schedule(this::renewAndReschedule, 0, TimeUnit.MILLISECONDS);
        watchdog.scheduleWithFixedDelay(
                this::checkFencing, FENCING_CHECK.toMillis(), FENCING_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops both threads (the lease itself is left to the caller to revoke). */
    public synchronized void stop() {
        running = false;
        if (renewer != null) {
            renewer.shutdownNow();
        }
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void renewAndReschedule() {
        try {
            renewOnce();
        } catch (RuntimeException e) {
            LOG.errorf("lease renewal failed: %s", e.getMessage());
        } finally {
            if (running) {
                renewer.schedule(this::renewAndReschedule, renewEvery.get().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** One renewal: a lease found expired fences a primary at once, then a new lease is taken. */
    void renewOnce() {
        long sent = clock.nanoTime();
        long left;
        try {
            left = store.keepAliveOnce(lease);
        } catch (StoreException e) {
            LOG.warnf(
                    "could not renew the lease: %s (a primary demotes in %d ms)",
                    e.getMessage(), remaining().toMillis());
            failsafeRound();
            return;
        }
        if (left > 0) {
            lastRenewalSentNanos = sent;
            if (onFailsafe) {
                onFailsafe = false;
                LOG.info("lease renewed in etcd again: failsafe mode is no longer active");
            }
            if (!demoting && fenced.compareAndSet(true, false)) {
                LOG.info("lease renewed again after self-fencing");
            }
            return;
        }
        LOG.errorf("lease %x expired in etcd: this member's keys are gone", lease);
        onFailsafe = false;
        if (holder.actingPrimary() && !holder.paused()) {
            fence("the lease expired before it could be renewed");
        }
        long again = clock.nanoTime();
        lease = store.grantLease(ttl.get());
        lastRenewalSentNanos = again;
        fenced.set(false);
        holder.leaseReplaced(lease);
    }

    /**
     * etcd did not answer (the lease was not found lost): a primary not fenced asks every member of
     * {@code /failsafe}; when all confirm, the round's start counts as a renewal sent (never earlier
     * than the last one). A fenced primary stays fenced until etcd renews its lease.
     */
    private void failsafeRound() {
        if (!holder.actingPrimary() || holder.paused() || fenced.get()) {
            return;
        }
        Optional<Long> confirmed;
        try {
            confirmed = holder.failsafeRound();
        } catch (RuntimeException e) {
            LOG.errorf("failsafe round failed: %s", e.getMessage());
            return;
        }
        if (confirmed.isPresent() && !fenced.get() && confirmed.get() - lastRenewalSentNanos > 0) {
            lastRenewalSentNanos = confirmed.get();
            onFailsafe = true;
        }
    }

    /** True while a primary runs on failsafe rounds (its last deadline move came from one). */
    public boolean onFailsafe() {
        return onFailsafe && !fenced.get() && holder.actingPrimary();
    }

    /** The watchdog's check: a primary demotes at last renewal sent + ttl - margin (not while paused). */
    void checkFencing() {
        try {
            if (!fenced.get()
                    && holder.actingPrimary()
                    && !holder.paused()
                    && fencing.mustDemote(clock.nanoTime(), lastRenewalSentNanos)) {
                fence("no lease renewal succeeded for " + Math.round(secondsSinceRenewal() * 1000) + " ms (ttl "
                        + fencing.ttl().toSeconds() + " s, safety margin "
                        + fencing.safetyMargin().toMillis() + " ms)");
            }
        } catch (RuntimeException e) {
            LOG.errorf("self-fencing failed: %s", e.getMessage());
        }
    }

    private void fence(String reason) {
        if (!fenced.compareAndSet(false, true)) {
            return; // the other keeper thread is fencing
        }
        demoting = true;
        try {
            LOG.errorf("self-fencing: %s; demoting before the lease can expire", reason);
            holder.demote("self-fencing");
        } finally {
            demoting = false;
        }
    }

    /** The fencing rule to apply from now on (the dynamic config's ttl changed). */
    public void fencing(Fencing next) {
        fencing = next;
    }

    /** The current lease id. */
    public long lease() {
        return lease;
    }

    /** Not fenced and time left before the fencing deadline: a primary may (still) run. */
    public boolean live() {
        return !fenced() && !remaining().isZero();
    }

    /** True from a self-fencing until a renewal succeeds again. */
    public boolean fenced() {
        return fenced.get();
    }

    /**
     * The time left before a primary must demote: every long step (a handover wait, a stop, a rewind, a
     * clone) is bounded by it; zero once passed.
     */
    public Duration remaining() {
        return fencing.remaining(clock.nanoTime(), lastRenewalSentNanos);
    }

    /** Seconds since the last successful renewal was sent. */
    public double secondsSinceRenewal() {
        return (clock.nanoTime() - lastRenewalSentNanos) / 1e9;
    }
}
