package io.pgha.core.store;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The "cluster-discovery" daemon thread of a service replica (failover-coordinator, backup-service): one
 * round every {@code interval} until closed. A round that fails (etcd cannot list the clusters) is logged
 * and the next round tries again.
 */
public final class ClusterDiscovery implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterDiscovery.class);

    private final Duration interval;
    private final Runnable round;
    private final Thread thread;
    private volatile boolean running = true;

    private ClusterDiscovery(Duration interval, Runnable round) {
        this.interval = interval;
        this.round = round;
        this.thread = new Thread(this::loop, "cluster-discovery");
        this.thread.setDaemon(true);
    }

    /** Starts running {@code round} now and every {@code interval} after it. */
    public static ClusterDiscovery start(Duration interval, Runnable round) {
        ClusterDiscovery discovery = new ClusterDiscovery(interval, round);
        discovery.thread.start();
        return discovery;
    }

    private void loop() {
        while (running) {
            try {
                round.run();
            } catch (RuntimeException e) {
                LOG.warnf("cannot list the clusters in etcd: %s", e.getMessage());
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
