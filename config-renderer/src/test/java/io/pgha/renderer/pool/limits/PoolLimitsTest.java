package io.pgha.renderer.pool.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.renderer.pool.limits.PoolLimits.Names;
import io.pgha.renderer.pool.limits.PoolLimits.Sizing;
import org.junit.jupiter.api.Test;

class PoolLimitsTest {
    private static final Names NAMES = new Names(
            "postgresql max_connections",
            "postgresql superuser_reserved_connections",
            "pgha.renderer.pgbouncer.other-connections",
            "pgha.renderer.pgbouncer.instances",
            "pools",
            "pgha.renderer.pgbouncer.default-pool-size",
            "pgha.renderer.pgbouncer.reserve-pool-size",
            "pgha.renderer.pgbouncer.max-client-conn");

    /** pgha's node-agent default: max_connections 50; one PgBouncer, two pools (rw and ro users). */
    private static Sizing sizing(long pgbouncers, long pools, long poolSize, long reserve, long maxClientConn) {
        return new Sizing(50, 3, 10, pgbouncers, pools, poolSize, reserve, maxClientConn);
    }

    @Test
    void poolsThatFitMaxConnectionsWithTheReservesPass() {
        // 1 × 2 × (15 + 3) = 36 <= 50 - 3 - 10 = 37
        Sizing fits = sizing(1, 2, 15, 3, 1000);

        assertThat(fits.serverConnections()).isEqualTo(36);
        assertThat(fits.budget()).isEqualTo(37);
        assertThat(PoolLimits.check(fits, NAMES)).isEmpty();
    }

    @Test
    void theExactBudgetPassesOneMoreFailsNamingEveryPropertyAndNumber() {
        assertThat(PoolLimits.check(new Sizing(50, 3, 11, 1, 2, 15, 3, 1000), NAMES))
                .isEmpty();

        assertThat(PoolLimits.check(new Sizing(50, 3, 12, 1, 2, 15, 3, 1000), NAMES))
                .containsExactly("the pools may open 36 server connections (pgha.renderer.pgbouncer.instances 1"
                        + " × pools 2 × (pgha.renderer.pgbouncer.default-pool-size 15 + pgha.renderer.pgbouncer"
                        + ".reserve-pool-size 3)) but postgresql max_connections 50 leaves 35 for them (minus"
                        + " postgresql superuser_reserved_connections 3, minus pgha.renderer.pgbouncer"
                        + ".other-connections 12): lower pgha.renderer.pgbouncer.default-pool-size to at most 14"
                        + " or raise postgresql max_connections to at least 51");
    }

    @Test
    void everyPgBouncerBesideAnHaproxyCounts() {
        // two renderers, each with its PgBouncer on the same primary: 2 × 2 × 18 = 72 > 37
        assertThat(PoolLimits.check(sizing(2, 2, 15, 3, 1000), NAMES))
                .singleElement()
                .asString()
                .startsWith("the pools may open 72 server connections")
                .contains("at most 6");
    }

    @Test
    void pgbouncersDefaultsOn50ConnectionsAreRefused() {
        // PgBouncer's own defaults (default_pool_size 20, max_client_conn 100) with three pools
        assertThat(PoolLimits.check(sizing(1, 3, 20, 0, 100), Names.PARAMETERS))
                .singleElement()
                .asString()
                .contains("the pools may open 60 server connections")
                .contains("max_connections 50 leaves 37");
    }

    @Test
    void maxClientConnBelowWhatThePoolsServeIsRefused() {
        assertThat(PoolLimits.check(sizing(1, 2, 10, 2, 20), NAMES))
                .containsExactly("pgha.renderer.pgbouncer.max-client-conn 20 is lower than the 24 server connections"
                        + " one PgBouncer's pools may open (pools 2 × (pgha.renderer.pgbouncer.default-pool-size 10 +"
                        + " pgha.renderer.pgbouncer.reserve-pool-size 2)): raise pgha.renderer.pgbouncer.max-client-conn"
                        + " to at least 24");
    }

    @Test
    void impossibleNumbersAreRefusedFirstAndAllAtOnce() {
        assertThat(PoolLimits.check(new Sizing(0, -1, 0, 0, 1, 0, -2, 0), NAMES))
                .containsExactly(
                        "postgresql max_connections is 0, must be at least 1",
                        "postgresql superuser_reserved_connections is -1, must be at least 0",
                        "pgha.renderer.pgbouncer.instances is 0, must be at least 1",
                        "pgha.renderer.pgbouncer.default-pool-size is 0, must be at least 1",
                        "pgha.renderer.pgbouncer.reserve-pool-size is -2, must be at least 0",
                        "pgha.renderer.pgbouncer.max-client-conn is 0, must be at least 1");
    }

    @Test
    void requireFailsTheStartWithEveryProblem() {
        assertThatThrownBy(() -> PoolLimits.require(sizing(2, 2, 15, 3, 10), NAMES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "the pooler's limits would let it exhaust PostgreSQL's connections: the pools" + " may open 72")
                .hasMessageContaining("; pgha.renderer.pgbouncer.max-client-conn 10 is lower than the 36");
    }
}
