package io.pgha.renderer.pool.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.renderer.pool.limits.PoolLimits.Names;
import io.pgha.renderer.pool.limits.PoolLimits.Sizing;
import org.junit.jupiter.api.Test;

class PoolLimitsTest {
    private static final Names NAMES = new Names(
            "max_connections",
            "superuser_reserved_connections",
            "pgha.renderer.pool.other-connections",
            "pgha.renderer.pool.instances",
            "pgha.renderer.pool.databases",
            "pgha.renderer.pool.users-per-database",
            "pgha.renderer.pool.default-pool-size",
            "pgha.renderer.pool.reserve-pool-size",
            "pgha.renderer.pool.max-db-connections",
            "pgha.renderer.pool.max-client-conn");

    /** pgha's node-agent default max_connections 50, 3 superuser slots, 10 for the rest. */
    private static Sizing sizing(
            long pgbouncers, long databases, long users, long poolSize, long reserve, long maxDb, long maxClientConn) {
        return new Sizing(50, 3, 10, pgbouncers, databases, users, poolSize, reserve, maxDb, maxClientConn);
    }

    @Test
    void poolsThatFitMaxConnectionsWithTheReservesPass() {
        // 1 × 2 × 1 × (15 + 3) = 36 <= 50 - 3 - 10 = 37
        Sizing fits = sizing(1, 2, 1, 15, 3, 0, 1000);

        assertThat(fits.serverConnections()).isEqualTo(36);
        assertThat(fits.budget()).isEqualTo(37);
        assertThat(PoolLimits.check(fits, NAMES)).isEmpty();
    }

    @Test
    void theExactBudgetPassesOneMoreFailsNamingEveryPropertyAndNumber() {
        assertThat(PoolLimits.check(new Sizing(50, 3, 11, 1, 2, 1, 15, 3, 0, 1000), NAMES))
                .isEmpty();

        assertThat(PoolLimits.check(new Sizing(50, 3, 12, 1, 2, 1, 15, 3, 0, 1000), NAMES))
                .containsExactly("the pools may open 36 server connections on the primary (pgha.renderer.pool"
                        + ".instances 1 × pgha.renderer.pool.databases 2 × (pgha.renderer.pool.users-per-database 1 ×"
                        + " (pgha.renderer.pool.default-pool-size 15 + pgha.renderer.pool.reserve-pool-size 3))) but"
                        + " max_connections 50 leaves 35 for them (minus superuser_reserved_connections 3, minus"
                        + " pgha.renderer.pool.other-connections 12): set pgha.renderer.pool.max-db-connections to at"
                        + " most 17, or lower the pool sizes, or raise max_connections to at least 51");
    }

    @Test
    void everyPgBouncerBesideAnHaproxyAndEveryUserCounts() {
        // two renderers, each with its PgBouncer, two users: 2 × 2 × 2 × 18 = 144 > 37
        assertThat(PoolLimits.check(sizing(2, 2, 2, 15, 3, 0, 1000), NAMES))
                .singleElement()
                .asString()
                .startsWith("the pools may open 144 server connections")
                .contains("max-db-connections to at most 9");
    }

    @Test
    void maxDbConnectionsCapsADatabaseWhateverTheUsers() {
        // 10 users × 20 would be 200 per database; max_db_connections 9 caps it: 2 × 2 × 9 = 36 <= 37
        Sizing capped = sizing(2, 2, 10, 20, 0, 9, 1000);

        assertThat(capped.perDatabase()).isEqualTo(9);
        assertThat(PoolLimits.check(capped, NAMES)).isEmpty();
        assertThat(PoolLimits.check(sizing(2, 2, 10, 20, 0, 10, 1000), NAMES))
                .singleElement()
                .asString()
                .contains("(pgha.renderer.pool.instances 2 × pgha.renderer.pool.databases 2 × min(pgha.renderer.pool"
                        + ".users-per-database 10 × (pgha.renderer.pool.default-pool-size 20 + pgha.renderer.pool"
                        + ".reserve-pool-size 0), pgha.renderer.pool.max-db-connections 10))");
    }

    @Test
    void pgbouncersDefaultsOnPghasMaxConnectionsAreRefused() {
        // PgBouncer's default_pool_size 20, a read-write and a read-only database, one user
        assertThat(PoolLimits.check(sizing(1, 2, 1, 20, 0, 0, 100), Names.PARAMETERS))
                .singleElement()
                .asString()
                .contains("the pools may open 40 server connections")
                .contains("max_connections 50 leaves 37");
    }

    @Test
    void maxClientConnBelowWhatThePoolsServeIsRefused() {
        assertThat(PoolLimits.check(sizing(1, 2, 1, 10, 2, 0, 20), NAMES))
                .containsExactly("pgha.renderer.pool.max-client-conn 20 is lower than the 24 server connections one"
                        + " PgBouncer may open (pgha.renderer.pool.databases 2 × (pgha.renderer.pool.users-per-database"
                        + " 1 × (pgha.renderer.pool.default-pool-size 10 + pgha.renderer.pool.reserve-pool-size 2))):"
                        + " raise pgha.renderer.pool.max-client-conn to at least 24");
    }

    @Test
    void impossibleNumbersAreRefusedFirstAndAllAtOnce() {
        assertThat(PoolLimits.check(new Sizing(0, -1, 0, 0, 1, 1, 0, -2, -1, 0), NAMES))
                .containsExactly(
                        "max_connections is 0, must be at least 1",
                        "superuser_reserved_connections is -1, must be at least 0",
                        "pgha.renderer.pool.instances is 0, must be at least 1",
                        "pgha.renderer.pool.default-pool-size is 0, must be at least 1",
                        "pgha.renderer.pool.reserve-pool-size is -2, must be at least 0",
                        "pgha.renderer.pool.max-db-connections is -1, must be at least 0",
                        "pgha.renderer.pool.max-client-conn is 0, must be at least 1");
    }

    @Test
    void requireFailsTheStartWithEveryProblem() {
        assertThatThrownBy(() -> PoolLimits.require(sizing(2, 2, 1, 15, 3, 0, 10), NAMES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "the pooler's limits would let it exhaust PostgreSQL's connections: the pools" + " may open 72")
                .hasMessageContaining("; pgha.renderer.pool.max-client-conn 10 is lower than the 36");
    }
}
