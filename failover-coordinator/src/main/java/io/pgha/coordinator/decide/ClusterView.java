package io.pgha.coordinator.decide;

import java.util.List;

/**
 * What a switchover or manual failover is validated against.
 *
 * @param cluster the cluster name
 * @param leader the member holding the leader key, or null when there is none
 * @param paused whether automatic failover is paused
 * @param members fresh snapshots of every member, the leader included
 * @param policy the candidate rules in force
 */
public record ClusterView(
        String cluster, String leader, boolean paused, List<MemberSnapshot> members, FailoverPolicy policy) {
    public ClusterView {
        members = List.copyOf(members);
    }

    /** True when {@code name} is a member. */
    public boolean hasMember(String name) {
        return members.stream().anyMatch(m -> m.name().equals(name));
    }

    /** The snapshots of every member but the leader. */
    public List<MemberSnapshot> replicas() {
        return members.stream().filter(m -> !m.name().equals(leader)).toList();
    }

    /** The member names, sorted. */
    public List<String> memberNames() {
        return members.stream().map(MemberSnapshot::name).sorted().toList();
    }
}
