package io.pgha.core.store;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The election lease of a service replica (failover-coordinator, backup-service): one for every cluster
 * it leads, granted once, renewed every third of its TTL on a thread of its own.
 * It counts as valid only until one second before the TTL since the last renewal that was sent (a
 * monotonic clock), so a replica cut off from etcd stops acting before its keys can expire.
 */
public final class ElectionLease implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ElectionLease.class);

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
                Thread.sleep(Math.max(100, ttl.toMillis() / 3));
            } catch (InterruptedException e) {
                return;
            }
        }
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
