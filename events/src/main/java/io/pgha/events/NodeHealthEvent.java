package io.pgha.events;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Topic {@code pgha.node-health}: observations of the things clients connect to. What the
 * health-monitor sees when it probes a member with SQL ({@link NodeHealthObserved}), and what
 * config-renderer reads from a PgBouncer's admin console about one pool ({@link PoolUsageObserved}).
 */
public sealed interface NodeHealthEvent extends PghaEvent {
    /**
     * What was observed, the second part of the key {@code <cluster>/<member>}: the member probed, or
     * for a {@link PoolUsageObserved} the pooler read (so that one pooler's observations stay in order).
     */
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

    /**
     * One pool of one PgBouncer (a database/user pair) as its admin console showed it ({@code SHOW
     * POOLS}, {@code SHOW DATABASES}), published by config-renderer when clients wait or stopped
     * waiting, when the pool's size changes, and as a heartbeat. Key {@code <cluster>/<pooler>}.
     *
     * @param cluster the cluster whose endpoints the pooler serves
     * @param pooler the PgBouncer read (a name like a member's; config-renderer's instance by default)
     * @param database the pooled database name (PgBouncer's, e.g. {@code app} or {@code app_ro})
     * @param user the pool's user
     * @param observedAt when the admin console answered
     * @param clientsActive {@code cl_active}: clients linked to a server connection or idle
     * @param clientsWaiting {@code cl_waiting}: clients that sent a query and wait for a server connection
     * @param maxWaitSeconds {@code maxwait} + {@code maxwait_us}: how long the oldest waiting client has
     *     waited (0 when none waits)
     * @param serverConnections the pool's server connections, every state ({@code sv_*})
     * @param poolSize {@code pool_size} of the database; absent when PgBouncer did not say
     */
    record PoolUsageObserved(
            String cluster,
            String pooler,
            String database,
            String user,
            Instant observedAt,
            long clientsActive,
            long clientsWaiting,
            double maxWaitSeconds,
            long serverConnections,
            Long poolSize)
            implements NodeHealthEvent {
        /** Longest database or user name PgBouncer and PostgreSQL accept (NAMEDATALEN - 1 bytes). */
        public static final int MAX_NAME_BYTES = 63;

        public PoolUsageObserved {
            Require.present(cluster, "cluster");
            Require.present(pooler, "pooler");
            Require.present(observedAt, "observed_at");
            Require.label(database, "database", MAX_NAME_BYTES);
            Require.label(user, "user", MAX_NAME_BYTES);
            Require.notNegative(clientsActive, "clients_active");
            Require.notNegative(clientsWaiting, "clients_waiting");
            Require.notNegative(serverConnections, "server_connections");
            if (!(maxWaitSeconds >= 0) || Double.isInfinite(maxWaitSeconds)) {
                throw new IllegalArgumentException(
                        "max_wait_seconds is " + maxWaitSeconds + ": give a finite number of seconds >= 0");
            }
            if (poolSize != null && poolSize < 0) {
                throw new IllegalArgumentException("pool_size is " + poolSize + ": leave it out when not known");
            }
        }

        /** The pooler: the second part of the key. */
        @Override
        public String member() {
            return pooler;
        }

        @Override
        public Instant occurredAt() {
            return observedAt;
        }
    }
}
