package io.pgha.monitor.topology;

import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.monitor.decide.TopologyState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/** The thread-safe holder of {@link TopologyState}; tells its listeners when the clusters change. */
@ApplicationScoped
public class TopologyStore {
    private static final Logger LOG = Logger.getLogger(TopologyStore.class);

    private final TopologyState state = new TopologyState();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Runs {@code listener} (on the caller's thread) after every change. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public void assign(Collection<Integer> partitions) {
        synchronized (state) {
            state.assign(partitions);
        }
        LOG.infof("pgha.topology partitions assigned to this instance: %s (reading them from the start)", partitions);
        changed();
    }

    public void revoke(Collection<Integer> partitions) {
        synchronized (state) {
            state.revoke(partitions);
        }
        LOG.infof("pgha.topology partitions taken from this instance: %s", partitions);
        changed();
    }

    public void apply(int partition, String key, TopologyChanged topology) {
        boolean changed;
        synchronized (state) {
            changed = state.apply(partition, key, topology);
        }
        if (changed) {
            LOG.debugf(
                    "topology of %s: epoch %d, leader %s, %d members",
                    topology.cluster(),
                    topology.epoch(),
                    topology.leader(),
                    topology.members().size());
            changed();
        }
    }

    public void remove(int partition, String key) {
        boolean changed;
        synchronized (state) {
            changed = state.remove(partition, key);
        }
        if (changed) {
            LOG.infof("cluster %s removed from pgha.topology", key);
            changed();
        }
    }

    public Map<String, TopologyChanged> clusters() {
        synchronized (state) {
            return state.clusters();
        }
    }

    public Optional<TopologyChanged> cluster(String cluster) {
        synchronized (state) {
            return state.cluster(cluster);
        }
    }

    public Set<Integer> assigned() {
        synchronized (state) {
            return state.assigned();
        }
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }
}
