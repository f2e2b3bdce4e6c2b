package io.pgha.events;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** Topic {@code pgha.node-health}: what the health-monitor sees when it probes a member with SQL. */
public sealed interface NodeHealthEvent extends PghaEvent {
    /** The member probed. */
    String member();

    @Override
    default String subject() {
        return cluster() + "/" + member();
    }

    @Override
    default String key() {
        return cluster() + "/" + member();
    }

    /** What PostgreSQL says it is (Patroni's {@code /patroni} {@code role}). */
    enum NodeRole {
        @JsonProperty("primary")
        PRIMARY,
        @JsonProperty("replica")
        REPLICA,
        /** Not known (unreachable), or a value added after this version of the contract. */
        @JsonEnumDefaultValue
        @JsonProperty("unknown")
        UNKNOWN
    }

    /** Why a probe failed, so that consumers can tell a dead host from a bad password. */
    enum ErrorClass {
        /** Nothing listens (connection refused, no route). */
        @JsonProperty("connection_refused")
        CONNECTION_REFUSED,
        /** No answer within the probe timeout. */
        @JsonProperty("timeout")
        TIMEOUT,
        /** Authentication failed (SQLSTATE 28*): permanent until the credentials are fixed. */
        @JsonProperty("authentication")
        AUTHENTICATION,
        /** The server refused more connections (SQLSTATE 53300). */
        @JsonProperty("too_many_connections")
        TOO_MANY_CONNECTIONS,
        /** Connected, but the probe query failed. */
        @JsonProperty("query_failed")
        QUERY_FAILED,
        /** Anything else, or a value added after this version of the contract. */
        @JsonEnumDefaultValue
        @JsonProperty("other")
        OTHER
    }

    /**
     * One probe of one member, published on change and as a heartbeat.
     *
     * @param cluster the cluster (Patroni's {@code scope})
     * @param member the member probed (Patroni's {@code name})
     * @param observer the health-monitor instance that probed
     * @param observedAt when the probe finished
     * @param reachable whether the probe query succeeded
     * @param errorClass why not, when not reachable
     * @param error the error message, when not reachable (never contains a password)
     * @param role primary or replica (Patroni's {@code role}); unknown when not reachable
     * @param timeline the timeline PostgreSQL runs on (Patroni's {@code timeline})
     * @param lsn the current WAL write position on a primary (Patroni's {@code /cluster} {@code lsn})
     * @param receiveLsn the last WAL position received on a replica ({@code receive_lsn})
     * @param replayLsn the last WAL position replayed on a replica ({@code replay_lsn})
     * @param lag bytes of WAL the member is behind the primary (Patroni's {@code lag})
     * @param lagSeconds seconds since the last replayed transaction was committed on the primary
     * @param probeLatencyMs how long the probe took, in milliseconds
     * @param connections client connections in use ({@code pg_stat_activity})
     * @param maxConnections PostgreSQL's {@code max_connections}
     */
    record NodeHealthObserved(
            String cluster,
            String member,
            String observer,
            Instant observedAt,
            boolean reachable,
            ErrorClass errorClass,
            String error,
            NodeRole role,
            Integer timeline,
            Lsn lsn,
            Lsn receiveLsn,
            Lsn replayLsn,
            Long lag,
            Double lagSeconds,
            long probeLatencyMs,
            Integer connections,
            Integer maxConnections)
            implements NodeHealthEvent {
        public NodeHealthObserved {
            Require.present(cluster, "cluster");
            Require.present(member, "member");
            Require.present(observer, "observer");
            Require.present(observedAt, "observed_at");
            role = role == null ? NodeRole.UNKNOWN : role;
            if (!reachable && errorClass == null) {
                errorClass = ErrorClass.OTHER;
            }
        }

        @Override
        public Instant occurredAt() {
            return observedAt;
        }
    }
}
