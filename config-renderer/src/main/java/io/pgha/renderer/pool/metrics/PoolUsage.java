package io.pgha.renderer.pool.metrics;

/**
 * One pool of PgBouncer (a database/user pair) as {@code SHOW POOLS} reports it, with the size its
 * database allows ({@code SHOW DATABASES}).
 *
 * @param database the pooled database name (PgBouncer's, not necessarily PostgreSQL's)
 * @param user the user of the pool
 * @param clientsActive {@code cl_active}: clients linked to a server connection or idle
 * @param clientsWaiting {@code cl_waiting}: clients that sent a query and wait for a server connection
 * @param servers the pool's server connections by state
 * @param maxWaitSeconds {@code maxwait} + {@code maxwait_us}: how long the oldest waiting client has waited
 * @param poolSize {@code pool_size} of the database ({@code default_pool_size} unless set), -1 if unknown
 * @param reservePool {@code reserve_pool} of the database, -1 if unknown
 * @param poolMode {@code pool_mode} (session, transaction, statement)
 */
public record PoolUsage(
        String database,
        String user,
        long clientsActive,
        long clientsWaiting,
        ServerConnections servers,
        double maxWaitSeconds,
        long poolSize,
        long reservePool,
        String poolMode) {

    /**
     * Server connections of a pool by state ({@code sv_active}, {@code sv_idle}, {@code sv_used},
     * {@code sv_tested}, {@code sv_login}).
     */
    public record ServerConnections(long active, long idle, long used, long tested, long login) {
        /** Every server connection the pool holds: what counts against its pool size. */
        public long total() {
            return active + idle + used + tested + login;
        }
    }
}
