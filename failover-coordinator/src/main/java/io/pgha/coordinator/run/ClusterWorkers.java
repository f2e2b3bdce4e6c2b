package io.pgha.coordinator.run;

import io.pgha.core.EtcdLayout;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * This replica's {@link ClusterWorker}s, one per cluster that exists in etcd: started when a cluster
 * appears, stopped (it hands over) and forgotten, with its health view, when the cluster is gone.
 */
final class ClusterWorkers {
    private static final Logger LOG = Logger.getLogger(ClusterWorkers.class);

    private final Map<String, ClusterWorker> workers = new ConcurrentHashMap<>();
    private final Function<String, ClusterWorker> create;
    private final HealthView health;

    ClusterWorkers(Function<String, ClusterWorker> create, HealthView health) {
        this.create = create;
        this.health = health;
    }

    ClusterWorker get(String cluster) {
        return workers.get(cluster);
    }

    /** The clusters with a worker, sorted. */
    List<String> clusters() {
        return workers.keySet().stream().sorted().toList();
    }

    /** Starts a worker for {@code cluster} unless it has one (a name that is not valid gets none). */
    void ensure(String cluster) {
        try {
            EtcdLayout.requireName("cluster", cluster);
        } catch (IllegalArgumentException e) {
            return;
        }
        workers.computeIfAbsent(cluster, c -> {
            ClusterWorker worker = create.apply(c);
            worker.start();
            LOG.infof("cluster %s found in etcd", c);
            return worker;
        });
    }

    /** One worker for each of {@code present} (the clusters listed in etcd); the others end. */
    void reconcile(List<String> present) {
        present.forEach(this::ensure);
        workers.keySet().stream().filter(c -> !present.contains(c)).toList().forEach(this::remove);
    }

    /** Stops every worker (each hands over). */
    void stopAll() {
        workers.values().forEach(ClusterWorker::stop);
    }

    /** {@code cluster} has no keys any more (only an election key): its worker hands over and ends. */
    private void remove(String cluster) {
        ClusterWorker worker = workers.remove(cluster);
        if (worker != null) {
            worker.stop();
            health.forget(cluster);
            LOG.infof("cluster %s is gone from etcd", cluster);
        }
    }
}
