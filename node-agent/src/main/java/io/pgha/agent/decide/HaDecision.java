package io.pgha.agent.decide;

import java.util.List;
import java.util.Optional;

/**
 * The agent's decision in one run of its loop: a pure function from what it saw to what it does. The
 * agent never chooses a primary; it obeys the leader key (written by the bootstrap race or the
 * coordinator) and keeps its PostgreSQL consistent with it.
 *
 * <p>Paused (the dynamic config's {@code pause}, maintenance) it behaves as Patroni does: it never
 * starts a stopped PostgreSQL, never demotes, rewinds or re-clones; the leader whose PostgreSQL stopped
 * releases the key; a running primary without the key takes the key when it is vacant and is otherwise
 * only warned about. It still promotes when the leader key names it: while paused the coordinator writes
 * the key only for a manual failover or switchover, never automatically. The fencing watchdog does not
 * demote while paused either ({@code LeaseKeeper}).
 *
 * <p>During a planned switchover a standby that is neither side of it streams from the candidate
 * ({@link Observation#cascadeTo}, decided by {@link SwitchoverCascade}); not while paused.
 *
 * <p>Failsafe mode: a member that confirmed another as the running primary over {@code POST /failsafe}
 * within ttl releases a leader key written for it without promoting ({@link Observation#failsafeRefusal}).
 */
public final class HaDecision {
    private HaDecision() {}

    public static List<Action> decide(Observation o) {
        return o.paused() ? paused(o) : running(o);
    }

    private static List<Action> running(Observation o) {
        if (!o.etcdReachable()) {
            // Without etcd nothing is promoted or followed; the fencing watchdog guards a primary.
            if (!o.pgRunning() && !o.fenced() && o.crashedPrimaryFor().isEmpty()) {
                return List.of(new Action.StartStandby(o.following().orElse(null)));
            }
            return List.of();
        }
        if (o.leaderIsMine() && o.failsafeRefusal().isPresent()) {
            return List.of(new Action.ReleaseLeader(o.failsafeRefusal().get()));
        }
        if (o.leaderIsMine()) {
            if (!o.pgRunning()) {
                long down = o.crashedPrimaryFor().orElse(0L);
                if (down >= o.primaryStartTimeoutNanos()) {
                    return List.of(new Action.ReleaseLeader(
                            "PostgreSQL did not accept connections within " + "primary_start_timeout after a crash"));
                }
                return List.of(new Action.StartPrimary());
            }
            if (!o.pgAccepting()) {
                long down = o.crashedPrimaryFor().orElse(0L);
                if (o.crashedPrimaryFor().isPresent() && down >= o.primaryStartTimeoutNanos()) {
                    // The postmaster runs but does not answer this agent: it may still be a writable
                    // primary. Stop it (restart read-only) before the key goes, as Patroni demotes a
                    // primary whose start takes too long; a failed demotion keeps the key.
                    String reason =
                            "PostgreSQL runs but did not accept connections within primary_start_timeout after a crash";
                    return List.of(new Action.Demote(reason), new Action.ReleaseLeader(reason));
                }
                return List.of();
            }
            if (o.inRecovery()) {
                return List.of(new Action.Promote(), new Action.EnsureSlots());
            }
            if (o.handoverTo().isPresent()) {
                return List.of(new Action.HandOver(o.handoverTo().get()));
            }
            return List.of(new Action.EnsureSlots());
        }
        Optional<String> other = o.leader().filter(l -> !l.equals(o.me()));
        if (other.isPresent() && o.detachEpoch().isPresent()) {
            return DetachDecision.decide(o, other.get());
        }
        if (other.isPresent() && o.leaderHasAddress()) {
            String leader = other.get();
            if (!o.pgRunning()) {
                return List.of(o.mayHaveDiverged() ? rewindWhenPromoted(o, leader) : new Action.StartStandby(leader));
            }
            if (!o.pgAccepting()) {
                return List.of();
            }
            if (!o.inRecovery()) {
                return List.of(
                        o.leaderIsPrimary()
                                ? new Action.RewindAndFollow(leader)
                                : new Action.Demote("the leader key names " + leader
                                        + ", which is not running as primary yet: stop writes, rewind once it is"));
            }
            String upstream = o.mayHaveDiverged() ? leader : o.cascadeTo().orElse(leader);
            if (!o.following().equals(Optional.of(upstream))) {
                if (!o.mayHaveDiverged()) {
                    return List.of(new Action.Follow(upstream));
                }
                return List.of(rewindWhenPromoted(o, leader));
            }
            // following the leader, yet found past the fork of the leader's timeline: rewound
            if (o.mayHaveDiverged()) {
                return List.of(rewindWhenPromoted(o, leader));
            }
            return o.leaderIsPrimary() && upstream.equals(leader) ? List.of(new Action.SyncSlots(leader)) : List.of();
        }
        boolean runsAsPrimary = o.pgRunning() && o.pgAccepting() && !o.inRecovery();
        if (o.leader().isEmpty() && o.detachEpoch().isPresent() && !runsAsPrimary) {
            // quorum commit's leaderless order: stop following the lost primary and report the position
            return DetachDecision.decide(o, o.following().orElse("the lost leader"));
        }
        // No usable leader: never run as a primary without the key.
        if (runsAsPrimary) {
            return List.of(new Action.Demote("the leader key does not name this member"));
        }
        if (!o.pgRunning()) {
            return List.of(new Action.StartStandby(null));
        }
        if (o.cascadeTo().isPresent()
                && o.pgAccepting()
                && o.inRecovery()
                && !o.mayHaveDiverged()
                && !o.following().equals(o.cascadeTo())) {
            // a switchover's old leader released the key: stream from the candidate before its promotion
            return List.of(new Action.Follow(o.cascadeTo().get()));
        }
        return List.of();
    }

    /**
     * A diverged, stopped data directory is rewound from the leader only once the leader runs as
     * primary: before its promotion both are on the same timeline, pg_rewind finds nothing to do, and
     * the standby then cannot follow the new timeline (it forked before this one's recovery point).
     */
    private static Action rewindWhenPromoted(Observation o, String leader) {
        return o.leaderIsPrimary()
                ? new Action.RewindAndFollow(leader)
                : new Action.Hold("this data directory may have diverged from " + leader
                        + ", which is not running as primary yet: rewound once it is");
    }

    private static List<Action> paused(Observation o) {
        if (!o.etcdReachable()) {
            return List.of();
        }
        boolean primary = o.pgRunning() && o.pgAccepting() && !o.inRecovery();
        if (o.leaderIsMine() && o.failsafeRefusal().isPresent()) {
            return List.of(new Action.ReleaseLeader(o.failsafeRefusal().get()));
        }
        if (o.leaderIsMine()) {
            if (!o.pgRunning()) {
                return List.of(new Action.ReleaseLeader("paused and PostgreSQL is not running (it is not restarted)"));
            }
            if (!o.pgAccepting()) {
                return List.of();
            }
            if (o.inRecovery()) {
                return List.of(new Action.Promote(), new Action.EnsureSlots());
            }
            if (o.handoverTo().isPresent()) {
                return List.of(new Action.HandOver(o.handoverTo().get()));
            }
            return List.of(new Action.EnsureSlots());
        }
        Optional<String> other = o.leader().filter(l -> !l.equals(o.me()));
        if (primary && o.leader().isEmpty()) {
            return List.of(new Action.AcquireLeader());
        }
        if (primary) {
            return List.of(new Action.Hold("running as primary while the leader key names "
                    + o.leader()
                            .map(l -> l.equals(o.me()) ? "this member under an old lease" : l)
                            .orElseThrow()
                    + ": not demoted while paused"));
        }
        if (other.isEmpty() || !o.leaderHasAddress() || !o.pgRunning() || !o.pgAccepting()) {
            return List.of();
        }
        if (o.detachEpoch().isPresent()) {
            return DetachDecision.decide(o, other.get());
        }
        String leader = other.get();
        if (o.following().equals(Optional.of(leader))) {
            return o.leaderIsPrimary() && !o.mayHaveDiverged() ? List.of(new Action.SyncSlots(leader)) : List.of();
        }
        if (o.mayHaveDiverged()) {
            return List.of(new Action.Hold(
                    "this standby may have diverged from the leader " + leader + ": not rewound while paused"));
        }
        return List.of(new Action.Follow(leader));
    }
}
