package io.pgha.renderer.pool.metrics;

import java.util.List;
import java.util.Map;

/** One PgBouncer's admin console (its {@code pgbouncer} database). */
public interface AdminConsole {
    /**
     * The rows (column name to text value) of each {@code SHOW} command, keyed by command, read in one
     * session.
     *
     * @throws Exception when the console cannot be reached or refuses a command
     */
    Map<String, List<Map<String, String>>> read(List<String> commands) throws Exception;

    /** Where it is, for messages (never a password). */
    String describe();
}
