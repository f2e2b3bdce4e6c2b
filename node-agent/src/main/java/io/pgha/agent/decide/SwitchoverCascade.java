package io.pgha.agent.decide;

import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which member a standby that is neither side of a planned switchover streams from while it runs: the
 * candidate, before the candidate is promoted (issue 17). Streaming from the candidate (cascading
 * replication), the standby is already connected when the candidate is promoted: the candidate's WAL
 * sender ends the old timeline at the switch point and the standby asks for the new one over the same
 * connection, instead of waiting until its agent sees the new leader key, re-points
 * {@code primary_conninfo} and logs in to the new primary (TLS and SCRAM). In synchronous mode the new
 * primary's commits wait for that standby, so this is part of the switchover's write gap.
 *
 * <p>Safety: only the upstream of a standby changes; nothing here promotes, demotes or writes etcd. A
 * standby the old primary's commits may wait for (its applied {@code synchronous_standby_names}, or the
 * sync key's set, names it, or any standby counts) moves only once the switchover is handed over: the
 * old primary is shut down and the candidate holds its shutdown checkpoint, so no commit is left to
 * acknowledge. Before that, such a standby leaving would stall the old primary's commits (never lose
 * one: the WAL still reaches it through the candidate). A standby no commit waits for may move at once.
 */
public final class SwitchoverCascade {
    private SwitchoverCascade() {}

    /**
     * What one run of the loop read.
     *
     * @param me this member
     * @param leader the member the leader key names (empty: no leader key)
     * @param switchover the {@code /switchover} key, when present and readable
     * @param leaderWaitsFor the standbys the leader's commits may wait for: the names in its applied
     *     {@code synchronous_standby_names} and the sync key's set; {@link SyncSet#ANY_STANDBY} when any
     *     standby counts or the set cannot be read
     * @param candidateStreamable the candidate's member key says it runs as a replica and has an address
     */
    public record Seen(
            String me,
            Optional<String> leader,
            Optional<Switchover> switchover,
            Set<String> leaderWaitsFor,
            boolean candidateStreamable) {
        public Seen {
            leaderWaitsFor = Set.copyOf(leaderWaitsFor);
        }
    }

    /**
     * The standbys whose flush the old leader's commits may wait for: the names in the
     * {@code synchronous_standby_names} its member key reports ({@code applied}), and the sync key's set
     * when it is written for {@code leader}; {@link SyncSet#ANY_STANDBY} when either says so or the sync
     * key cannot be read.
     */
    public static Set<String> leaderWaitsFor(Optional<String> applied, String leader, Optional<String> syncKey) {
        Set<String> names = new HashSet<>();
        if (leader == null) {
            return names;
        }
        applied.ifPresent(a -> names.addAll(SyncSet.namesIn(a)));
        if (syncKey.isPresent()) {
            try {
                SyncSet set = SyncSet.fromJson(syncKey.get());
                if (set.leader() == null || set.leader().equals(leader)) {
                    names.addAll(set.applied());
                }
            } catch (IllegalArgumentException e) {
                names.add(SyncSet.ANY_STANDBY);
            }
        }
        return names;
    }

    /** The candidate to stream from now, or empty: follow the leader as usual. */
    public static Optional<String> upstream(Seen seen) {
        if (seen.switchover().isEmpty() || !seen.candidateStreamable()) {
            return Optional.empty();
        }
        Switchover s = seen.switchover().get();
        String me = seen.me();
        if (s.scheduled() || s.member() == null || s.leader() == null) {
            return Optional.empty();
        }
        if (me.equals(s.member()) || me.equals(s.leader()) || s.member().equals(s.leader())) {
            return Optional.empty();
        }
        boolean keyStillOld = seen.leader().equals(Optional.of(s.leader()));
        boolean keyReleased = seen.leader().isEmpty() && s.handedOver();
        if (!keyStillOld && !keyReleased) {
            return Optional.empty(); // the candidate has the key (follow it as the leader) or the switchover is stale
        }
        boolean waitedFor =
                seen.leaderWaitsFor().contains(me) || seen.leaderWaitsFor().contains(SyncSet.ANY_STANDBY);
        if (waitedFor && !s.handedOver()) {
            return Optional.empty(); // the old primary's commits may still wait for this standby
        }
        return Optional.of(s.member());
    }
}
