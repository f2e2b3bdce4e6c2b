package io.pgha.renderer.pool.metrics;

import io.pgha.renderer.pool.metrics.PoolUsage.ServerConnections;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure parsing of PgBouncer's admin console answers (rows of column name to text, as any client reads
 * them) into {@link PoolSnapshot}. Column names are PgBouncer 1.18's (checked against Debian 12's
 * {@code pgbouncer} 1.18.0); extra columns of later versions are ignored. A missing column or a value
 * that is not a number is refused with the command, the row and the column named.
 */
public final class AdminConsoleRows {
    private AdminConsoleRows() {}

    /** The admin console commands a snapshot is made of, in the order they are read. */
    public static final List<String> COMMANDS =
            List.of("SHOW POOLS", "SHOW DATABASES", "SHOW STATS", "SHOW LISTS", "SHOW CONFIG");

    /** The snapshot from the answers to {@link #COMMANDS}, keyed by command. */
    public static PoolSnapshot snapshot(Map<String, List<Map<String, String>>> answers) {
        for (String command : COMMANDS) {
            if (!answers.containsKey(command)) {
                throw new IllegalArgumentException("no answer to '" + command + "' from PgBouncer's admin console");
            }
        }
        Map<String, long[]> sizes = databaseSizes(answers.get("SHOW DATABASES"));
        return new PoolSnapshot(
                pools(answers.get("SHOW POOLS"), sizes),
                stats(answers.get("SHOW STATS")),
                keyValue(answers.get("SHOW LISTS"), "SHOW LISTS", "list", "items", "used_clients"),
                keyValue(answers.get("SHOW CONFIG"), "SHOW CONFIG", "key", "value", "max_client_conn"));
    }

    /** {@code SHOW POOLS} rows, with each database's {@code pool_size} and {@code reserve_pool}. */
    static List<PoolUsage> pools(List<Map<String, String>> rows, Map<String, long[]> sizes) {
        List<PoolUsage> pools = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = new Row("SHOW POOLS", i, rows.get(i));
            String database = row.text("database");
            long[] size = sizes.getOrDefault(database, new long[] {-1, -1});
            pools.add(new PoolUsage(
                    database,
                    row.text("user"),
                    row.number("cl_active"),
                    row.number("cl_waiting"),
                    new ServerConnections(
                            row.number("sv_active"),
                            row.number("sv_idle"),
                            row.number("sv_used"),
                            row.number("sv_tested"),
                            row.number("sv_login")),
                    row.number("maxwait") + row.number("maxwait_us") / 1_000_000.0,
                    size[0],
                    size[1],
                    row.text("pool_mode")));
        }
        return pools;
    }

    /** {@code SHOW DATABASES}: database name to {pool_size, reserve_pool}. */
    static Map<String, long[]> databaseSizes(List<Map<String, String>> rows) {
        Map<String, long[]> sizes = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = new Row("SHOW DATABASES", i, rows.get(i));
            sizes.put(row.text("name"), new long[] {row.number("pool_size"), row.number("reserve_pool")});
        }
        return sizes;
    }

    /** {@code SHOW STATS} rows. */
    static List<DatabaseStats> stats(List<Map<String, String>> rows) {
        List<DatabaseStats> stats = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = new Row("SHOW STATS", i, rows.get(i));
            stats.add(new DatabaseStats(
                    row.text("database"),
                    row.number("total_xact_count"),
                    row.number("total_query_count"),
                    row.number("total_wait_time") / 1_000_000.0));
        }
        return stats;
    }

    /** The number in column {@code valueColumn} of the row whose {@code keyColumn} is {@code key}. */
    static long keyValue(
            List<Map<String, String>> rows, String command, String keyColumn, String valueColumn, String key) {
        for (int i = 0; i < rows.size(); i++) {
            Row row = new Row(command, i, rows.get(i));
            if (key.equals(row.text(keyColumn))) {
                return row.number(valueColumn);
            }
        }
        throw new IllegalArgumentException(command + " has no row '" + key + "'");
    }

    private record Row(String command, int index, Map<String, String> values) {
        String text(String column) {
            if (!values.containsKey(column)) {
                throw new IllegalArgumentException(command + " row " + (index + 1) + " has no column '" + column
                        + "' (columns: " + String.join(", ", values.keySet()) + ")");
            }
            String value = values.get(column);
            return value == null ? "" : value;
        }

        long number(String column) {
            String value = text(column).strip();
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(command + " row " + (index + 1) + " column '" + column + "' is '"
                        + printable(value) + "', not a whole number");
            }
        }

        private static String printable(String value) {
            StringBuilder out = new StringBuilder();
            value.codePoints().limit(40).forEach(c -> {
                if (Character.isISOControl(c)) {
                    out.append(String.format("\\u%04x", c));
                } else {
                    out.appendCodePoint(c);
                }
            });
            return out.toString();
        }
    }
}
