package io.pgha.core.store;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The election lease of a service replica (failover-coordinator, backup-service): one for every cluster
 * it leads, granted once, renewed a third of its TTL after each renewal was sent, on a thread of its own.
 * It counts as valid only until one second before the TTL since the last renewal that was sent (a
 * monotonic clock), so a replica cut off from etcd stops acting before its keys can expire.
 */
public final class ElectionLease implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ElectionLease.class);
    private static final Duration MIN_PAUSE = Duration.ofMillis(100);

    private final LeaseStore store;
    private final Duration ttl;
    private final Thread thread;
    private volatile long lease;
    private volatile long lastRenewalSentNanos;
    private volatile boolean running = true;

    public ElectionLease(LeaseStore store, Duration ttl) {
        this.store = store;
        this.ttl = ttl;
        this.thread = new Thread(this::renewLoop, "election-lease");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** The current lease, or 0 when there is none that is valid now. */
    public long lease() {
        long sent = lastRenewalSentNanos;
        long margin = ttl.minusSeconds(1).toNanos();
        if (lease == 0 || System.nanoTime() - sent >= margin) {
            return 0;
        }
        return lease;
    }

    private void renewLoop() {
        while (running) {
            long sent = System.nanoTime();
            try {
                if (lease == 0) {
                    lease = store.grantLease(ttl);
                    lastRenewalSentNanos = sent;
                    LOG.infof("election lease %x granted (ttl %d s)", lease, ttl.toSeconds());
                } else if (store.keepAliveOnce(lease) > 0) {
                    lastRenewalSentNanos = sent;
                } else {
                    LOG.warnf("election lease %x is gone: every leadership of this replica ends", lease);
                    lease = 0;
                    continue;
                }
            } catch (RuntimeException e) {
                LOG.warnf("cannot renew the election lease: %s", e.getMessage());
            }
            try {
                Thread.sleep(untilNextRenewal(ttl, sent, System.nanoTime()).toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * How long to wait before the next renewal: until a third of the TTL after the last one was
     * <em>sent</em>, at least 100 ms. Validity counts from the send (etcd may have renewed at any moment
     * after it), so waiting a third of the TTL after a slow call returned could leave the lease invalid
     * before the next renewal came back: a first grant that took 1.5 s at a JVM's start under load made a
     * backup-service with a 4 s TTL drop its leadership 1.5 s after winning it (fresh-clone run,
     * 2026-12-02, BaseBackupIT).
     */
    static Duration untilNextRenewal(Duration ttl, long sentNanos, long nowNanos) {
        long left = ttl.toNanos() / 3 - (nowNanos - sentNanos);
        return Duration.ofNanos(Math.max(MIN_PAUSE.toNanos(), left));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        long l = lease;
        lease = 0;
        if (l != 0) {
            try {
                store.revokeLease(l);
            } catch (RuntimeException e) {
                LOG.debugf("revoking the election lease: %s", e.getMessage());
            }
        }
    }
}
