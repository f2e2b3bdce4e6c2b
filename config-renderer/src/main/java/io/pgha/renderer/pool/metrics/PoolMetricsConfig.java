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
