package io.pgha.monitor.decide;

import io.pgha.events.TopologyEvent.TopologyChanged;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The clusters this instance probes: the latest topology per cluster, kept per partition of
 * {@code pgha.topology} so that a revoked partition takes its clusters with it. A record for a
 * partition not (or no longer) assigned is ignored. Not thread-safe: the caller synchronizes.
 */
public final class TopologyState {
    private final Map<Integer, Map<String, TopologyChanged>> byPartition = new HashMap<>();
    private final Set<Integer> assigned = new HashSet<>();

    /** Partitions handed to this instance (they are then read from their start). */
    public void assign(Collection<Integer> partitions) {
        assigned.addAll(partitions);
        partitions.forEach(p -> byPartition.put(p, new HashMap<>()));
    }

    /** Partitions taken away (revoked or lost): their clusters are no longer this instance's. */
    public void revoke(Collection<Integer> partitions) {
        assigned.removeAll(partitions);
        partitions.forEach(byPartition::remove);
    }

    /**
     * The topology record keyed {@code key} read from {@code partition}; true when it changed what
     * this instance probes.
     *
     * @throws IllegalArgumentException when the key is not the record's cluster
     */
    public boolean apply(int partition, String key, TopologyChanged topology) {
        if (key != null && !key.equals(topology.cluster())) {
            throw new IllegalArgumentException("the pgha.topology record keyed '" + key + "' is about cluster '"
                    + topology.cluster() + "': the key must be the cluster");
        }
        if (!assigned.contains(partition)) {
            return false;
        }
        TopologyChanged previous = byPartition.get(partition).put(topology.cluster(), topology);
        return !topology.equals(previous);
    }

    /** A tombstone (null value) keyed {@code key}: the cluster is gone. True when it was known. */
    public boolean remove(int partition, String key) {
        Map<String, TopologyChanged> clusters = byPartition.get(partition);
        return clusters != null && key != null && clusters.remove(key) != null;
    }

    /** Every cluster's latest topology, by name. */
    public Map<String, TopologyChanged> clusters() {
        Map<String, TopologyChanged> all = new TreeMap<>();
        byPartition.values().forEach(all::putAll);
        return all;
    }

    /** The latest topology of {@code cluster}, when this instance has it. */
    public Optional<TopologyChanged> cluster(String cluster) {
        return byPartition.values().stream()
                .map(clusters -> clusters.get(cluster))
                .filter(t -> t != null)
                .findFirst();
    }

    /** The partitions assigned now. */
    public Set<Integer> assigned() {
        return Set.copyOf(assigned);
    }
}
