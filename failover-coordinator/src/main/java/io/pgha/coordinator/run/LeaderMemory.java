package io.pgha.coordinator.run;

import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import java.util.HashSet;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * What this replica remembers of the last leader: its name, the epoch (the leader key's revision), its
 * most advanced position, and which members were following it (a standby whose primary just died no
 * longer streams, but it did).
 */
final class LeaderMemory {
    private static final Logger LOG = Logger.getLogger(LeaderMemory.class);

    private final String cluster;
    String lastLeader;
    Lsn lastLeaderLsn;
    /** The highest timeline the last leader was seen running on (0: unknown), for check_timeline. */
    long lastLeaderTimeline;

    long lastEpoch;
    final Set<String> followingLeader = new HashSet<>();
    /** When this replica first had to choose a leader with none seen alive (0: not in a cold start). */
    long coldStartSinceNanos;
    /**
     * Failsafe mode: a failover attempt since the leader key went found no member holding it (so the
     * topology without the lost leader may be published); cleared while there is a leader key.
     */
    boolean failsafeReleased;

    LeaderMemory(String cluster) {
        this.cluster = cluster;
    }

    /** Remembers the last leader, its position and which members followed it. */
    void track(ClusterSnapshot snapshot) {
        if (snapshot.leader().isPresent()) {
            coldStartSinceNanos = 0;
            failsafeReleased = false;
        } else if (snapshot.members().isEmpty() && lastLeader != null) {
            // every node is gone (stopped, or lost power): their next start is a cold start
            LOG.infof("%s: no member is registered any more; the next leader is chosen as after a full stop", cluster);
            lastLeader = null;
            followingLeader.clear();
        }
        snapshot.leader().ifPresent(l -> {
            if (!l.member().equals(lastLeader)) {
                lastLeaderLsn = null;
                followingLeader.clear();
            }
            snapshot.leaderMember()
                    .map(MemberEntry::status)
                    .filter(s -> s.role() == MemberStatus.Role.PRIMARY)
                    .ifPresent(s -> lastLeaderTimeline = Math.max(lastLeaderTimeline, s.timeline()));
            lastLeader = l.member();
            lastEpoch = l.modRevision();
            snapshot.leaderMember()
                    .map(MemberEntry::status)
                    .filter(s -> s.role() == MemberStatus.Role.PRIMARY && s.xlogLocation() != null)
                    .map(MemberStatus::bestLsn)
                    .ifPresent(lsn ->
                            lastLeaderLsn = lastLeaderLsn == null || lsn.isAfter(lastLeaderLsn) ? lsn : lastLeaderLsn);
            followingLeader.clear();
            snapshot.members().values().stream()
                    .filter(m -> !m.name().equals(l.member()) && m.status() != null)
                    .filter(m -> m.status().isStreamingReplica())
                    .forEach(m -> followingLeader.add(m.name()));
        });
    }
}
