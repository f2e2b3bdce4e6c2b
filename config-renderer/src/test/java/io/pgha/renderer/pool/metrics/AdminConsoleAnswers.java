package io.pgha.renderer.pool.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Admin console answers as Debian 12's PgBouncer 1.18.0 gives them (columns and order copied from it). */
final class AdminConsoleAnswers {
    private AdminConsoleAnswers() {}

    static final List<String> POOL_COLUMNS = List.of(
            "database",
            "user",
            "cl_active",
            "cl_waiting",
            "cl_active_cancel_req",
            "cl_waiting_cancel_req",
            "sv_active",
            "sv_active_cancel",
            "sv_being_canceled",
            "sv_idle",
            "sv_used",
            "sv_tested",
            "sv_login",
            "maxwait",
            "maxwait_us",
            "pool_mode");
    static final List<String> DATABASE_COLUMNS = List.of(
            "name",
            "host",
            "port",
            "database",
            "force_user",
            "pool_size",
            "min_pool_size",
            "reserve_pool",
            "pool_mode",
            "max_connections",
            "current_connections",
            "paused",
            "disabled");
    static final List<String> STATS_COLUMNS = List.of(
            "database",
            "total_xact_count",
            "total_query_count",
            "total_received",
            "total_sent",
            "total_xact_time",
            "total_query_time",
            "total_wait_time",
            "avg_xact_count",
            "avg_query_count",
            "avg_recv",
            "avg_sent",
            "avg_xact_time",
            "avg_query_time",
            "avg_wait_time");

    /** app/app: 20 active and 7 waiting clients, the oldest for 3.25 s; the admin console's own pool. */
    static Map<String, List<Map<String, String>>> saturated() {
        Map<String, List<Map<String, String>>> answers = new LinkedHashMap<>();
        answers.put(
                "SHOW POOLS",
                List.of(
                        row(
                                POOL_COLUMNS,
                                "app",
                                "app",
                                "20",
                                "7",
                                "0",
                                "0",
                                "18",
                                "0",
                                "0",
                                "1",
                                "1",
                                "0",
                                "0",
                                "3",
                                "250000",
                                "transaction"),
                        row(
                                POOL_COLUMNS,
                                "pgbouncer",
                                "pgbouncer",
                                "1",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "statement")));
        answers.put(
                "SHOW DATABASES",
                List.of(
                        row(
                                DATABASE_COLUMNS,
                                "app",
                                "127.0.0.1",
                                "5432",
                                "app",
                                null,
                                "20",
                                "0",
                                "5",
                                null,
                                "0",
                                "20",
                                "0",
                                "0"),
                        row(
                                DATABASE_COLUMNS,
                                "pgbouncer",
                                null,
                                "6432",
                                "pgbouncer",
                                "pgbouncer",
                                "2",
                                "0",
                                "0",
                                "statement",
                                "0",
                                "0",
                                "0",
                                "0")));
        answers.put(
                "SHOW STATS",
                List.of(
                        row(
                                STATS_COLUMNS,
                                "app",
                                "1234",
                                "2345",
                                "100",
                                "200",
                                "300",
                                "400",
                                "1500000",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0"),
                        row(
                                STATS_COLUMNS,
                                "pgbouncer",
                                "4",
                                "4",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0",
                                "0")));
        answers.put(
                "SHOW LISTS",
                List.of(
                        row(List.of("list", "items"), "databases", "2"),
                        row(List.of("list", "items"), "pools", "2"),
                        row(List.of("list", "items"), "used_clients", "28")));
        answers.put(
                "SHOW CONFIG",
                List.of(
                        row(List.of("key", "value", "default", "changeable"), "listen_port", "6432", "6432", "no"),
                        row(List.of("key", "value", "default", "changeable"), "max_client_conn", "400", "100", "yes")));
        return answers;
    }

    static Map<String, String> row(List<String> columns, String... values) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i), values[i]);
        }
        return row;
    }
}
