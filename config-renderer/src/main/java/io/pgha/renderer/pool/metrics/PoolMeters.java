package io.pgha.renderer.pool.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The Micrometer view of one cluster's PgBouncer (on config-renderer's {@code /q/metrics}):
 *
 * <ul>
 *   <li>{@code pgha_pool_up{cluster}}: 1 when the last read of the admin console worked, 0 when it could
 *       not be reached or answered something unreadable (then every other series of the cluster goes,
 *       so no alert fires on stale numbers);
 *   <li>per pool ({@code cluster, database, user}): {@code pgha_pool_clients_active},
 *       {@code pgha_pool_clients_waiting}, {@code pgha_pool_server_connections{state}} (active, idle,
 *       used, tested, login), {@code pgha_pool_size}, {@code pgha_pool_reserve_size},
 *       {@code pgha_pool_max_wait_seconds};
 *   <li>per database ({@code cluster, database}): {@code pgha_pool_transactions_total},
 *       {@code pgha_pool_queries_total}, {@code pgha_pool_client_wait_seconds_total};
 *   <li>per PgBouncer ({@code cluster}): {@code pgha_pool_client_connections},
 *       {@code pgha_pool_max_client_connections}.
 * </ul>
 *
 * Pools that PgBouncer no longer lists lose their series at the next read.
 */
public final class PoolMeters {
    private static final String[] SERVER_STATES = {"active", "idle", "used", "tested", "login"};

    private final MeterRegistry registry;
    private final Map<String, Cluster> clusters = new HashMap<>();

    public PoolMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The admin console of {@code cluster} answered {@code snapshot}. */
    public synchronized void read(String cluster, PoolSnapshot snapshot) {
        Cluster c = cluster(cluster);
        c.up = 1;
        c.latest = snapshot;
        Set<String> keys = new HashSet<>();
        for (PoolUsage pool : snapshot.pools()) {
            String key = "pool/" + pool.database() + "/" + pool.user();
            keys.add(key);
            c.meters.computeIfAbsent(key, k -> poolMeters(c, pool.database(), pool.user()));
        }
        for (DatabaseStats stats : snapshot.stats()) {
            String key = "db/" + stats.database();
            keys.add(key);
            c.meters.computeIfAbsent(key, k -> databaseMeters(c, stats.database()));
        }
        keys.add("bouncer");
        c.meters.computeIfAbsent("bouncer", k -> bouncerMeters(c));
        removeAllBut(c, keys);
    }

    /** The admin console of {@code cluster} could not be read: {@code pgha_pool_up} 0, no other series. */
    public synchronized void unreachable(String cluster) {
        Cluster c = cluster(cluster);
        c.up = 0;
        c.latest = null;
        removeAllBut(c, Set.of());
    }

    private Cluster cluster(String name) {
        return clusters.computeIfAbsent(name, n -> {
            Cluster c = new Cluster(n);
            Gauge.builder("pgha.pool.up", c, x -> x.up)
                    .description("1 when PgBouncer's admin console answered the last read, 0 when it could not be read")
                    .tags(Tags.of("cluster", n))
                    .register(registry);
            return c;
        });
    }

    private List<Meter> poolMeters(Cluster c, String database, String user) {
        Tags tags = Tags.of("cluster", c.name, "database", database, "user", user);
        List<Meter> meters = new ArrayList<>();
        meters.add(poolGauge(
                c,
                "pgha.pool.clients.active",
                "Clients linked to a server connection or idle (cl_active)",
                tags,
                database,
                user,
                PoolUsage::clientsActive));
        meters.add(poolGauge(
                c,
                "pgha.pool.clients.waiting",
                "Clients waiting for a server connection (cl_waiting)",
                tags,
                database,
                user,
                PoolUsage::clientsWaiting));
        for (String state : SERVER_STATES) {
            meters.add(poolGauge(
                    c,
                    "pgha.pool.server.connections",
                    "Server connections of the pool by state (sv_<state>)",
                    tags.and("state", state),
                    database,
                    user,
                    p -> serverCount(p, state)));
        }
        meters.add(poolGauge(
                c,
                "pgha.pool.size",
                "Server connections the pool may open (pool_size of its database)",
                tags,
                database,
                user,
                PoolUsage::poolSize));
        meters.add(poolGauge(
                c,
                "pgha.pool.reserve.size",
                "Extra server connections for a pool whose clients wait (reserve_pool)",
                tags,
                database,
                user,
                PoolUsage::reservePool));
        meters.add(poolGauge(
                c,
                "pgha.pool.max.wait.seconds",
                "How long the oldest waiting client has waited (maxwait + maxwait_us)",
                tags,
                database,
                user,
                PoolUsage::maxWaitSeconds));
        return meters;
    }

    private List<Meter> databaseMeters(Cluster c, String database) {
        Tags tags = Tags.of("cluster", c.name, "database", database);
        List<Meter> meters = new ArrayList<>();
        meters.add(counter(
                c,
                "pgha.pool.transactions",
                "Transactions pooled since PgBouncer started (total_xact_count)",
                tags,
                database,
                DatabaseStats::transactions));
        meters.add(counter(
                c,
                "pgha.pool.queries",
                "Queries pooled since PgBouncer started (total_query_count)",
                tags,
                database,
                DatabaseStats::queries));
        meters.add(counter(
                c,
                "pgha.pool.client.wait.seconds",
                "Time clients spent waiting for a server connection (total_wait_time)",
                tags,
                database,
                DatabaseStats::waitSeconds));
        return meters;
    }

    private List<Meter> bouncerMeters(Cluster c) {
        Tags tags = Tags.of("cluster", c.name);
        return List.of(
                Gauge.builder(
                                "pgha.pool.client.connections",
                                c,
                                x -> x.latest == null ? Double.NaN : x.latest.clientConnections())
                        .description("Client connections PgBouncer holds (SHOW LISTS used_clients)")
                        .tags(tags)
                        .register(registry),
                Gauge.builder(
                                "pgha.pool.max.client.connections",
                                c,
                                x -> x.latest == null ? Double.NaN : x.latest.maxClientConnections())
                        .description("Client connections PgBouncer accepts (max_client_conn)")
                        .tags(tags)
                        .register(registry));
    }

    private Meter poolGauge(
            Cluster c,
            String name,
            String help,
            Tags tags,
            String database,
            String user,
            ToDoubleFunction<PoolUsage> value) {
        return Gauge.builder(
                        name,
                        c,
                        x -> x.latest == null
                                ? Double.NaN
                                : x.latest
                                        .pool(database, user)
                                        .map(value::applyAsDouble)
                                        .orElse(Double.NaN))
                .description(help)
                .tags(tags)
                .register(registry);
    }

    private Meter counter(
            Cluster c, String name, String help, Tags tags, String database, ToDoubleFunction<DatabaseStats> value) {
        return FunctionCounter.builder(
                        name,
                        c,
                        x -> x.latest == null
                                ? Double.NaN
                                : x.latest
                                        .stats(database)
                                        .map(value::applyAsDouble)
                                        .orElse(Double.NaN))
                .description(help)
                .tags(tags)
                .register(registry);
    }

    private static double serverCount(PoolUsage pool, String state) {
        return switch (state) {
            case "active" -> pool.servers().active();
            case "idle" -> pool.servers().idle();
            case "used" -> pool.servers().used();
            case "tested" -> pool.servers().tested();
            case "login" -> pool.servers().login();
            default -> throw new IllegalArgumentException(state);
        };
    }

    private void removeAllBut(Cluster c, Set<String> keep) {
        c.meters.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
    }

    private static final class Cluster {
        private final String name;
        private final Map<String, List<Meter>> meters = new HashMap<>();
        private volatile int up;
        private volatile PoolSnapshot latest;

        Cluster(String name) {
            this.name = name;
        }
    }
}
