package io.pgha.coordinator.decide;

import io.pgha.core.MemberStatus;
import io.pgha.core.SyncSet;
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
import java.util.Optional;
import java.util.Set;

/**
 * The whole picture of a cluster as {@code pgha.topology} carries it, built from one etcd snapshot: a
 * pure function, and the rule for when a new picture is worth publishing.
 */
public final class TopologyView {
    private TopologyView() {}

    /**
     * The members shown as synchronous standbys ({@code /sync}'s {@code sync_standby}) and whether they
     * are the voters of a quorum key ({@code synchronous_mode: quorum}): then each is a {@code
     * quorum_standby}, as in Patroni 4's {@code /cluster}, else a {@code sync_standby}.
     *
     * @param names the members of the set (sorted when published)
     * @param quorum whether the key is a quorum record ({@link SyncSet#isQuorum()})
     */
    public record Standbys(Set<String> names, boolean quorum) {
        /** No synchronous standby (asynchronous mode, or no usable {@code /sync}). */
        public static final Standbys NONE = new Standbys(Set.of(), false);

        public Standbys {
            names = Set.copyOf(names);
        }

        /** The role its members are shown with. */
        public MemberRole role() {
            return quorum ? MemberRole.QUORUM_STANDBY : MemberRole.SYNC_STANDBY;
        }
    }

    /**
     * The standbys to show for {@code sync} while {@code leader} holds the leader key (null: none does):
     * none outside synchronous mode, without a key, or when the key was chosen for another leader (a
     * new primary has not rewritten it yet); else its members, quorum standbys when it is a quorum key.
     */
    public static Standbys standbys(boolean synchronousMode, Optional<SyncSet> sync, String leader) {
        if (!synchronousMode || sync.isEmpty()) {
            return Standbys.NONE;
        }
        if (leader != null && !leader.equals(sync.get().leader())) {
            return Standbys.NONE;
        }
        return new Standbys(Set.copyOf(sync.get().members()), sync.get().isQuorum());
    }

    /**
     * The topology of {@code snapshot}: the leader only when its member runs as primary, roles leader /
     * sync_standby or quorum_standby (members of {@code standbys}, by {@link Standbys#role()}) / replica,
     * lag against the leader's position.
     */
    public static TopologyChanged of(
            String cluster,
            ClusterSnapshot snapshot,
            Standbys standbys,
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
                .forEach(entry -> member(entry, leader, leaderLsn, standbys).ifPresent(members::add));
        List<String> sync = standbys.names().stream().sorted().toList();
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
            MemberEntry entry, String leader, Lsn leaderLsn, Standbys standbys) {
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
                : standbys.names().contains(entry.name()) ? standbys.role() : MemberRole.REPLICA;
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
