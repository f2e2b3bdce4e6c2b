package io.pgha.events;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Topic {@code pgha.topology} (compacted, key = cluster): the whole current picture of a cluster,
 * never a diff, so the latest record per key is all a new subscriber needs.
 */
public sealed interface TopologyEvent extends PghaEvent {
    @Override
    default String subject() {
        return cluster();
    }

    @Override
    default String key() {
        return cluster();
    }

    /** A member's role in the cluster (Patroni's {@code /cluster} member {@code role}). */
    enum MemberRole {
        @JsonProperty("leader")
        LEADER,
        @JsonProperty("sync_standby")
        SYNC_STANDBY,
        /**
         * A voter of a quorum {@code /sync} ({@code synchronous_mode: quorum}, Patroni 4's {@code
         * quorum_standby}); added within v1, so older consumers read it as {@link #UNKNOWN}.
         */
        @JsonProperty("quorum_standby")
        QUORUM_STANDBY,
        @JsonProperty("replica")
        REPLICA,
        /** A value added after this version of the contract. */
        @JsonEnumDefaultValue
        @JsonProperty("unknown")
        UNKNOWN
    }

    /**
     * One member, with the fields of Patroni's {@code /cluster} {@code members[]}.
     *
     * @param name the member name
     * @param role leader, sync_standby, quorum_standby (a voter in quorum commit mode) or replica
     * @param state what its agent reports: running, streaming, stopped, starting, ...
     * @param host the host PostgreSQL listens on
     * @param port the port PostgreSQL listens on
     * @param apiUrl the agent's REST API, e.g. {@code http://10.0.0.11:8008/patroni}
     * @param timeline its timeline
     * @param lag bytes of WAL it is behind the leader; absent when unknown
     * @param tags the member's tags (nofailover, noloadbalance, clonefrom, nosync, ...)
     */
    record Member(
            String name,
            MemberRole role,
            String state,
            String host,
            int port,
            String apiUrl,
            Integer timeline,
            Long lag,
            Map<String, Object> tags) {
        public Member {
            Require.present(name, "members[].name");
            role = role == null ? MemberRole.UNKNOWN : role;
            Require.present(host, "members[].host");
            tags = Require.map(tags);
        }
    }

    /**
     * The topology of a cluster after any change (leader, membership, sync set, pause).
     *
     * @param epoch the revision of the leader key this picture belongs to
     * @param leader the member that holds the leader key and runs as primary; absent during a failover
     * @param members every member, the leader included
     * @param syncStandbys the synchronous standby set (Patroni's {@code /sync} {@code sync_standby})
     * @param pause true when automatic failover is paused (Patroni's {@code pause})
     * @param occurredAt when it happened
     * @param synchronousMode the dynamic configuration's {@code synchronous_mode}; null when the producer
     *     does not say (then a missing synchronous standby cannot be told from asynchronous mode)
     */
    record TopologyChanged(
            String cluster,
            long epoch,
            String leader,
            List<Member> members,
            List<String> syncStandbys,
            boolean pause,
            Instant occurredAt,
            Boolean synchronousMode)
            implements TopologyEvent {
        public TopologyChanged {
            Require.present(cluster, "cluster");
            members = Require.list(members);
            syncStandbys = Require.list(syncStandbys);
            Require.present(occurredAt, "occurred_at");
        }

        /** A topology that does not say whether synchronous mode is on (as producers before it was carried). */
        public TopologyChanged(
                String cluster,
                long epoch,
                String leader,
                List<Member> members,
                List<String> syncStandbys,
                boolean pause,
                Instant occurredAt) {
            this(cluster, epoch, leader, members, syncStandbys, pause, occurredAt, null);
        }
    }
}
