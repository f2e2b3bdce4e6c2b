package io.pgha.renderer.pool.metrics;

/**
 * The totals of one pooled database since PgBouncer started ({@code SHOW STATS}: per database, not per
 * user).
 *
 * @param database the pooled database name
 * @param transactions {@code total_xact_count}: transactions pooled (in statement mode: queries)
 * @param queries {@code total_query_count}
 * @param waitSeconds {@code total_wait_time} (microseconds in PgBouncer) in seconds: the time clients
 *     spent waiting for a server connection
 */
public record DatabaseStats(String database, long transactions, long queries, double waitSeconds) {}
