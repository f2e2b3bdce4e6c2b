package io.pgha.renderer.pool.metrics;

import java.util.List;
import java.util.Optional;

/**
 * What one PgBouncer's admin console said at one read.
 *
 * @param pools every pool ({@code SHOW POOLS} joined with {@code SHOW DATABASES}), the admin console's
 *     own {@code pgbouncer} pool included
 * @param stats totals per database ({@code SHOW STATS})
 * @param clientConnections client connections in use ({@code SHOW LISTS} {@code used_clients})
 * @param maxClientConnections {@code max_client_conn} ({@code SHOW CONFIG})
 */
public record PoolSnapshot(
        List<PoolUsage> pools, List<DatabaseStats> stats, long clientConnections, long maxClientConnections) {

    public PoolSnapshot {
        pools = List.copyOf(pools);
        stats = List.copyOf(stats);
    }

    public Optional<PoolUsage> pool(String database, String user) {
        return pools.stream()
                .filter(p -> p.database().equals(database) && p.user().equals(user))
                .findFirst();
    }

    public Optional<DatabaseStats> stats(String database) {
        return stats.stream().filter(s -> s.database().equals(database)).findFirst();
    }
}
