package io.pgha.coordinator.config;

import io.pgha.core.store.EtcdSecurityConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The coordinator's settings ({@code pgha.*}); checked at start by {@link ConfigChecks}. */
@ConfigMapping(prefix = "pgha")
public interface CoordinatorConfig {
    /** etcd client URLs, comma-separated (e.g. http://127.0.0.1:2379). */
    @WithName("etcd.endpoints")
    List<String> etcdEndpoints();

    /** TLS files and user of the etcd client ({@code pgha.etcd.tls.*}, {@code pgha.etcd.user}, {@code pgha.etcd.password-file}). */
    @WithName("etcd")
    EtcdSecurityConfig etcdSecurity();

    /** The root of every key (the agents' {@code pgha.etcd.namespace}). */
    @WithName("etcd.namespace")
    @WithDefault("/pgha")
    String etcdNamespace();

    Coordinator coordinator();

    Api api();

    /** How the coordinator calls the agents' REST APIs. */
    @WithName("agent-api")
    AgentApi agentApi();

    /** Trust for agents' REST APIs over HTTPS (an {@code https} api_url). */
    interface AgentApi {
        /**
         * PEM file of the CA that signed the agents' certificates ({@code pgha.agent-api.ca-file});
         * absent: the JVM's default trust store. A bad file stops the coordinator at start.
         */
        @WithName("ca-file")
        Optional<Path> caFile();
    }

    /** How this replica decides. */
    interface Coordinator {
        /** This replica's name in the election keys and events; the host name when not set. */
        Optional<String> name();

        /** How long this replica's leadership outlives its last lease renewal. */
        @WithName("election-ttl")
        @WithDefault("5s")
        Duration electionTtl();

        /** The timeout of each agent's {@code /patroni} at decision time. */
        @WithName("agent-timeout")
        @WithDefault("2s")
        Duration agentTimeout();

        /** How long a chosen member gets to run as primary before the key is taken back. */
        @WithName("promote-timeout")
        @WithDefault("15s")
        Duration promoteTimeout();

        /** How long a switchover may take before it is reported failed. */
        @WithName("switchover-timeout")
        @WithDefault("60s")
        Duration switchoverTimeout();

        /**
         * How long a switchover (or a manual failover) waits, once the new primary runs, for every
         * config-renderer to report that its HAProxy routes to it; past this it answers 202 naming the
         * renderers that have not confirmed.
         */
        @WithName("routing-timeout")
        @WithDefault("5s")
        Duration routingTimeout();

        /**
         * Before a planned switchover, how long to wait for every config-renderer that drives a PgBouncer
         * to report its read-write pools paused (running transactions finished); past this the switchover
         * proceeds anyway and says so (clients of an unpaused pool may see errors). 0: do not wait.
         */
        @WithName("pool-pause-timeout")
        @WithDefault("5s")
        Duration poolPauseTimeout();

        /**
         * After every node was stopped, how long to wait for the last leader to run again before a less
         * advanced member may be chosen (asynchronous mode; synchronous mode waits for a member that may
         * hold every acknowledged commit however long it takes).
         */
        @WithName("cold-start-wait")
        @WithDefault("30s")
        Duration coldStartWait();

        /** The interval of each cluster's loop (etcd watches wake it earlier). */
        @WithDefault("500ms")
        Duration tick();

        /** A health-monitor view older than this is treated as no view. */
        @WithName("health-view-max-age")
        @WithDefault("15s")
        Duration healthViewMaxAge();

        /** How long after the primary applied a synchronous set its position is taken (walsenders reload). */
        @WithName("sync-settle")
        @WithDefault("1s")
        Duration syncSettle();

        /**
         * Fast failover (dynamic {@code fast_failover}): how long the coordinator waits for its gate (a member
         * of the synchronous set detached; in asynchronous mode every router fenced and a standby detached)
         * before it deletes {@code /detach} and leaves the failover to the lease path.
         */
        @WithName("fast-failover-timeout")
        @WithDefault("2s")
        Duration fastFailoverTimeout();

        /**
         * Fast failover: how long the health monitor and the leader's silent agent must agree that its
         * node is gone before the standbys are detached (availability only: a wrong suspicion costs an
         * unneeded failover, never an acknowledged commit).
         */
        @WithName("fast-failover-suspect-after")
        @WithDefault("500ms")
        Duration fastFailoverSuspectAfter();

        /**
         * Fast failover in asynchronous mode: the names of every config-renderer (router) of the deployment
         * ({@code pgha.renderer.name}), each of which must report the old leader fenced before another
         * member is promoted (a renderer that died leaves no key while its HAProxy may still route).
         * Unset: the asynchronous mode keeps the lease path.
         */
        @WithName("fast-failover-routers")
        Optional<List<String>> fastFailoverRouters();

        /**
         * How often the current topology is published again although it did not change ({@code
         * pgha.topology} is compacted, so this is cheap): a consumer that missed one converges.
         */
        @WithName("topology-republish")
        @WithDefault("30s")
        Duration topologyRepublish();
    }

    /** The REST API. */
    interface Api {
        /** The bearer token that mutating calls need. */
        Optional<String> token();

        /** A file holding that token (a Kubernetes secret). */
        @WithName("token-file")
        Optional<Path> tokenFile();
    }
}
