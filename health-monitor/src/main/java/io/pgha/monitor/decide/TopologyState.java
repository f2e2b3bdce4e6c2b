package io.pgha.monitor.decide;

import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
     * @throws IllegalArgumentException when the key is not the record's cluster, or the topology names
     *     something this instance must not probe ({@link #problems}); the topology kept stays in force
     */
    public boolean apply(int partition, String key, TopologyChanged topology) {
        if (key != null && !key.equals(topology.cluster())) {
            throw new IllegalArgumentException("the pgha.topology record keyed '" + key + "' is about cluster '"
                    + topology.cluster() + "': the key must be the cluster");
        }
        List<String> problems = problems(topology);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("refusing the topology of cluster " + printable(topology.cluster())
                    + " (epoch " + topology.epoch() + "): " + String.join("; ", problems));
        }
        if (!assigned.contains(partition)) {
            return false;
        }
        TopologyChanged previous = byPartition.get(partition).put(topology.cluster(), topology);
        return !topology.equals(previous);
    }

    /**
     * What makes {@code topology} unusable: control characters (newlines included) in the cluster,
     * a member's name, host or api_url, the leader or a sync standby; a leader that is not a member (a
     * sync standby may be one whose member key just expired). Empty when it may be probed.
     */
    public static List<String> problems(TopologyChanged topology) {
        List<String> problems = new ArrayList<>();
        control("cluster", topology.cluster(), problems);
        Set<String> names = new HashSet<>();
        for (Member member : topology.members()) {
            control("members[].name", member.name(), problems);
            control("members[].host of " + printable(member.name()), member.host(), problems);
            control("members[].api_url of " + printable(member.name()), member.apiUrl(), problems);
            names.add(member.name());
        }
        if (topology.leader() != null) {
            control("leader", topology.leader(), problems);
            if (!names.contains(topology.leader())) {
                problems.add("the leader " + printable(topology.leader()) + " is not a member " + names);
            }
        }
        for (String standby : topology.syncStandbys()) {
            control("sync_standbys", standby, problems);
        }
        return problems;
    }

    private static void control(String field, String value, List<String> problems) {
        if (value != null && value.chars().anyMatch(Character::isISOControl)) {
            problems.add(field + " " + printable(value) + " contains a control character");
        }
    }

    /** {@code value} with control characters shown as U+XXXX, so a log line stays one line. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder("'");
        value.chars()
                .forEach(c ->
                        out.append(Character.isISOControl(c) ? String.format("U+%04X", c) : String.valueOf((char) c)));
        return out.append("'").toString();
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
