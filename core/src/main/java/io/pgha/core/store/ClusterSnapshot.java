package io.pgha.core.store;

import io.pgha.core.DynamicConfig;
import java.util.Map;
import java.util.Optional;

/**
 * One consistent read of a cluster's keys.
 *
 * @param revision the etcd revision of the read (watch from {@code revision + 1})
 * @param leader the leader key, when present
 * @param members member keys by name
 * @param config the dynamic config JSON, when present (parse with {@link DynamicConfig#fromJson})
 * @param initialize the initialize key's value, when present
 * @param sync the sync key's value, when present
 * @param switchover the switchover key's value, when present
 * @param history the history key's value (a JSON array), when present
 * @param status the status key's value (the leader's last known WAL position), when present
 * @param detach the fast failover's detach key ({@link io.pgha.core.Detach}), when present
 * @param revisions the mod revision of every key read, by its name under the cluster's prefix
 *     ({@code config}, {@code sync}, {@code members/pg-0}, ...)
 * @param failsafe failsafe mode's member list ({@link io.pgha.core.Failsafe}), when present
 */
public record ClusterSnapshot(
        long revision,
        Optional<LeaderKey> leader,
        Map<String, MemberEntry> members,
        Optional<String> config,
        Optional<String> initialize,
        Optional<String> sync,
        Optional<String> switchover,
        Optional<String> history,
        Optional<String> status,
        Optional<String> detach,
        Map<String, Long> revisions,
        Optional<String> failsafe) {

    public ClusterSnapshot {
        failsafe = failsafe == null ? Optional.empty() : failsafe;
    }

    /** A snapshot without a failsafe key. */
    public ClusterSnapshot(
            long revision,
            Optional<LeaderKey> leader,
            Map<String, MemberEntry> members,
            Optional<String> config,
            Optional<String> initialize,
            Optional<String> sync,
            Optional<String> switchover,
            Optional<String> history,
            Optional<String> status,
            Optional<String> detach,
            Map<String, Long> revisions) {
        this(
                revision,
                leader,
                members,
                config,
                initialize,
                sync,
                switchover,
                history,
                status,
                detach,
                revisions,
                Optional.empty());
    }

    /** Failsafe mode's member list when the key is present and readable; empty otherwise. */
    public Optional<io.pgha.core.Failsafe> failsafeMembers() {
        try {
            return failsafe.map(io.pgha.core.Failsafe::fromJson);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A snapshot without a detach key. */
    public ClusterSnapshot(
            long revision,
            Optional<LeaderKey> leader,
            Map<String, MemberEntry> members,
            Optional<String> config,
            Optional<String> initialize,
            Optional<String> sync,
            Optional<String> switchover,
            Optional<String> history,
            Optional<String> status,
            Map<String, Long> revisions) {
        this(
                revision,
                leader,
                members,
                config,
                initialize,
                sync,
                switchover,
                history,
                status,
                Optional.empty(),
                revisions);
    }

    /**
     * The detach key when it is readable and applies to the current leader key (same member, its
     * revision the key's epoch), or, for quorum commit's leaderless order, when there is no leader key;
     * empty otherwise.
     */
    public Optional<io.pgha.core.Detach> currentDetach() {
        if (detach.isEmpty()) {
            return Optional.empty();
        }
        try {
            io.pgha.core.Detach d = io.pgha.core.Detach.fromJson(detach.get());
            if (leader.isEmpty()) {
                return d.isLeaderless() ? Optional.of(d) : Optional.empty();
            }
            return d.appliesTo(leader.get().member(), leader.get().modRevision()) ? Optional.of(d) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The mod revision of the key {@code name} (under the cluster's prefix); 0 when it is absent. */
    public long revisionOf(String name) {
        return revisions.getOrDefault(name, 0L);
    }

    public Optional<MemberEntry> member(String name) {
        return Optional.ofNullable(members.get(name));
    }

    /** The member the leader key names, when it has a member key. */
    public Optional<MemberEntry> leaderMember() {
        return leader.flatMap(l -> member(l.member()));
    }
}
