package io.pgha.renderer.pool.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Where the pool metrics come from: the admin console of each cluster's PgBouncer. */
@ConfigMapping(prefix = "pgha.renderer.pool-metrics")
public interface PoolMetricsConfig {
    /** How often every admin console is read (the metrics show the last read). */
    @WithDefault("5s")
    Duration interval();

    /** How long connecting to and reading one admin console may take. */
    @WithDefault("3s")
    Duration timeout();

    /**
     * Publish each pool's readings on {@code pgha.node-health} ({@code pool-usage-observed}, for
     * alert-service's PghaPoolSaturated): while clients wait at every read, when they stopped, when
     * the pool size changes, and every {@link #heartbeat()}.
     */
    @WithDefault("true")
    boolean publish();

    /** An unchanged pool is published at least this often (at least {@link #interval()}). */
    @WithDefault("30s")
    Duration heartbeat();

    /**
     * The pooler name the readings carry (key {@code <cluster>/<pooler>}; letters, digits, '_', '.',
     * '-'); this renderer's event source instance (pgha.messaging.instance or the host name) when not set.
     */
    Optional<String> pooler();

    /** The PgBouncer admin console of each cluster, by cluster name; none: no pool metrics. */
    Map<String, Console> consoles();

    /** One PgBouncer admin console. */
    interface Console {
        /** PgBouncer's listen address. */
        @WithDefault("127.0.0.1")
        String host();

        /** PgBouncer's listen port. */
        @WithDefault("6432")
        int port();

        /** A user in PgBouncer's {@code stats_users} (or {@code admin_users}). */
        String user();

        /** Its password in PgBouncer's {@code auth_file}, if it needs one. */
        Optional<String> password();
    }
}
