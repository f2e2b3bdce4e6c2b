package io.pgha.events;

import java.time.Instant;
import java.util.List;

/**
 * Topic {@code pgha.election}: decisions of the failover-coordinator and what came of them. Every
 * event carries the epoch: the etcd revision of the leader key {@code /pgha/<cluster>/leader} that
 * was current when it happened, so consumers can order events across coordinator changes.
 */
public sealed interface ElectionEvent extends PghaEvent {
    /** The leader key's revision when this happened. */
    long epoch();

    @Override
    default String subject() {
        return cluster();
    }

    @Override
    default String key() {
        return cluster();
    }

    /**
     * A member that could not be chosen as the new leader, and why (say "nofailover tag", "lag
     * 52428800 bytes above maximum_lag_on_failover", "not in the synchronous standby set").
     */
    record Exclusion(String member, String reason) {
        public Exclusion {
            Require.present(member, "member");
            Require.present(reason, "reason");
        }
    }

    /** A failover-coordinator instance became the one that decides for this cluster. */
    record CoordinatorElected(String cluster, long epoch, String coordinator, Instant occurredAt)
            implements ElectionEvent {
        public CoordinatorElected {
            Require.present(cluster, "cluster");
            Require.present(coordinator, "coordinator");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * The leader is gone and the coordinator started a failover.
     *
     * @param formerLeader the member that held the leader key, when known
     * @param reason why a failover is needed
     * @param candidate the member chosen to be promoted, when one could be chosen
     * @param excluded every member that could not be chosen, with the reason
     */
    record FailoverStarted(
            String cluster,
            long epoch,
            String formerLeader,
            String reason,
            String candidate,
            List<Exclusion> excluded,
            Instant occurredAt)
            implements ElectionEvent {
        public FailoverStarted {
            Require.present(cluster, "cluster");
            Require.present(reason, "reason");
            excluded = Require.list(excluded);
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * A failover finished: {@code leader} holds the leader key and runs as primary.
     *
     * @param epoch the revision of the new leader key
     * @param timeline the new leader's timeline
     */
    record FailoverCompleted(
            String cluster,
            long epoch,
            String formerLeader,
            String leader,
            Integer timeline,
            List<Exclusion> excluded,
            Instant occurredAt)
            implements ElectionEvent {
        public FailoverCompleted {
            Require.present(cluster, "cluster");
            Require.present(leader, "leader");
            excluded = Require.list(excluded);
            Require.present(occurredAt, "occurred_at");
        }
    }

    /** A failover could not be completed; the coordinator will try again or needs an operator. */
    record FailoverFailed(
            String cluster,
            long epoch,
            String formerLeader,
            String candidate,
            String reason,
            List<Exclusion> excluded,
            Instant occurredAt)
            implements ElectionEvent {
        public FailoverFailed {
            Require.present(cluster, "cluster");
            Require.present(reason, "reason");
            excluded = Require.list(excluded);
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * A planned switchover started (Patroni's {@code POST /switchover} fields).
     *
     * @param leader the current leader, to be demoted
     * @param candidate the member to promote, or absent to let the coordinator choose
     * @param scheduledAt when it was scheduled for, when it was scheduled
     */
    record SwitchoverStarted(
            String cluster, long epoch, String leader, String candidate, Instant scheduledAt, Instant occurredAt)
            implements ElectionEvent {
        public SwitchoverStarted {
            Require.present(cluster, "cluster");
            Require.present(leader, "leader");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /** A switchover finished: {@code candidate} is now the leader. */
    record SwitchoverCompleted(String cluster, long epoch, String leader, String candidate, Instant occurredAt)
            implements ElectionEvent {
        public SwitchoverCompleted {
            Require.present(cluster, "cluster");
            Require.present(leader, "leader");
            Require.present(candidate, "candidate");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /** A switchover was abandoned; {@code leader} still leads, unless a failover follows. */
    record SwitchoverFailed(
            String cluster, long epoch, String leader, String candidate, String reason, Instant occurredAt)
            implements ElectionEvent {
        public SwitchoverFailed {
            Require.present(cluster, "cluster");
            Require.present(leader, "leader");
            Require.present(reason, "reason");
            Require.present(occurredAt, "occurred_at");
        }
    }

    /**
     * A member's agent promoted its PostgreSQL to primary.
     *
     * @param timeline the timeline it runs on after promotion
     * @param lsn its WAL position at promotion
     */
    record MemberPromoted(String cluster, long epoch, String member, Integer timeline, Lsn lsn, Instant occurredAt)
            implements ElectionEvent {
        public MemberPromoted {
            Require.present(cluster, "cluster");
            Require.present(member, "member");
            Require.present(occurredAt, "occurred_at");
        }

        @Override
        public String subject() {
            return cluster + "/" + member;
        }
    }

    /**
     * A member stopped being primary (switchover, lost lease, fencing).
     *
     * @param reason why: say "switchover", "leader lease lost, fenced"
     */
    record MemberDemoted(String cluster, long epoch, String member, String reason, Instant occurredAt)
            implements ElectionEvent {
        public MemberDemoted {
            Require.present(cluster, "cluster");
            Require.present(member, "member");
            Require.present(reason, "reason");
            Require.present(occurredAt, "occurred_at");
        }

        @Override
        public String subject() {
            return cluster + "/" + member;
        }
    }
}
