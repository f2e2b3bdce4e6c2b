package io.pgha.coordinator.decide;

import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The whole picture of a cluster as {@code pgha.topology} carries it, built from one etcd snapshot: a
 * pure function, and the rule for when a new picture is worth publishing.
 */
public final class TopologyView {
    private TopologyView() {}

    /**
     * The topology of {@code snapshot}: the leader only when its member runs as primary, roles leader /
     * sync_standby (members of {@code promotable}) / replica, lag against the leader's position.
     */
    public static TopologyChanged of(
            String cluster,
            ClusterSnapshot snapshot,
            Set<String> promotable,
            boolean pause,
            boolean synchronousMode,
            long epoch,
            Instant now) {
        String leader = snapshot.leaderMember()
                .filter(m -> m.status() != null && m.status().isRunningPrimary())
                .map(MemberEntry::name)
                .orElse(null);
        Lsn leaderLsn = snapshot.leaderMember()
                .map(MemberEntry::status)
                .filter(Objects::nonNull)
                .map(MemberStatus::bestLsn)
                .orElse(null);
        List<Member> members = new ArrayList<>();
        snapshot.members().values().stream()
                .sorted(Comparator.comparing(MemberEntry::name))
                .forEach(entry -> member(entry, leader, leaderLsn, promotable).ifPresent(members::add));
        List<String> sync = promotable.stream().sorted().toList();
        return new TopologyChanged(cluster, epoch, leader, members, sync, pause, now, synchronousMode);
    }

    /**
     * What a change must touch to be published: leader, epoch, pause, synchronous mode, sync set and each member's name,
     * role, state, address, timeline and tags (not its lag, which moves with every commit).
     */
    public static String fingerprint(TopologyChanged t) {
        StringBuilder b = new StringBuilder()
                .append(t.epoch())
                .append('|')
                .append(t.leader())
                .append('|')
                .append(t.pause())
                .append('|')
                .append(t.synchronousMode())
                .append('|')
                .append(t.syncStandbys());
        for (Member m : t.members()) {
            b.append('|')
                    .append(m.name())
                    .append(',')
                    .append(m.role())
                    .append(',')
                    .append(m.state())
                    .append(',')
                    .append(m.host())
                    .append(':')
                    .append(m.port())
                    .append(',')
                    .append(m.apiUrl())
                    .append(',')
                    .append(m.timeline())
                    .append(',')
                    .append(m.tags());
        }
        return b.toString();
    }

    private static java.util.Optional<Member> member(
            MemberEntry entry, String leader, Lsn leaderLsn, Set<String> promotable) {
        MemberStatus s = entry.status();
        if (s == null || s.connUrl() == null) {
            return java.util.Optional.empty();
        }
        URI conn;
        try {
            conn = URI.create(s.connUrl());
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
        if (conn.getHost() == null) {
            return java.util.Optional.empty();
        }
        MemberRole role = entry.name().equals(leader)
                ? MemberRole.LEADER
                : promotable.contains(entry.name()) ? MemberRole.SYNC_STANDBY : MemberRole.REPLICA;
        Long lag = null;
        if (role != MemberRole.LEADER && leaderLsn != null && (s.receiveLsn() != null || s.replayLsn() != null)) {
            lag = Math.max(0, leaderLsn.minus(s.bestLsn()));
        } else if (role == MemberRole.LEADER) {
            lag = 0L;
        }
        String state = s.isStreamingReplica() ? "streaming" : s.state();
        Map<String, Object> tags = s.tags() == null ? Map.of() : s.tags();
        return java.util.Optional.of(new Member(
                entry.name(),
                role,
                state,
                conn.getHost(),
                conn.getPort() < 0 ? 5432 : conn.getPort(),
                s.apiUrl(),
                (int) s.timeline(),
                lag,
                tags));
    }
}
