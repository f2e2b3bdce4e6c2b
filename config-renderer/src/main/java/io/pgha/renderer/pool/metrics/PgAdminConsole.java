package io.pgha.renderer.pool.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PgBouncer's admin console through Vert.x's PostgreSQL client (as the health-monitor's probes), in the
 * simple query protocol (the only one the console speaks), as a user PgBouncer lists in
 * {@code stats_users} (read-only {@code SHOW}) or {@code admin_users}. One connection per read: a read
 * every few seconds does not need a held one, and a PgBouncer restart needs no reconnect logic.
 *
 * <p>Not JDBC: pgjdbc 42.7.5 and later send {@code SET extra_float_digits} after connecting, which
 * PgBouncer's admin console refuses before 1.25 ("SET failed"; Debian 12 ships 1.18). Only
 * {@code application_name} goes in the startup packet: the console accepts it.
 */
public final class PgAdminConsole implements AdminConsole {
    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Duration timeout;

    public PgAdminConsole(Vertx vertx, String host, int port, String user, String password, Duration timeout) {
        this.vertx = vertx;
        this.timeout = timeout;
        this.options = new PgConnectOptions()
                .setHost(host)
                .setPort(port)
                .setDatabase("pgbouncer")
                .setUser(user)
                .setConnectTimeout((int) timeout.toMillis())
                .setIdleTimeout((int) timeout.toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setProperties(new LinkedHashMap<>(Map.of("application_name", "pgha-pool-metrics")));
        if (password != null) {
            options.setPassword(password);
        }
    }

    @Override
    public Map<String, List<Map<String, String>>> read(List<String> commands) throws Exception {
        Future<Map<String, List<Map<String, String>>>> read = PgConnection.connect(vertx, options)
                .compose(connection -> showAll(connection, commands).eventually(() -> connection.close()));
        return read.toCompletionStage().toCompletableFuture().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    }

    private static Future<Map<String, List<Map<String, String>>>> showAll(
            PgConnection connection, List<String> commands) {
        Map<String, List<Map<String, String>>> answers = new LinkedHashMap<>();
        Future<Void> chain = Future.succeededFuture();
        for (String command : commands) {
            chain = chain.compose(v -> connection.query(command).execute().map(rows -> {
                answers.put(command, rows(rows));
                return null;
            }));
        }
        return chain.map(v -> answers);
    }

    private static List<Map<String, String>> rows(RowSet<Row> rows) {
        List<String> columns = rows.columnsNames();
        List<Map<String, String>> out = new ArrayList<>();
        for (Row row : rows) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                Object value = row.getValue(i);
                values.put(columns.get(i), value == null ? null : value.toString());
            }
            out.add(values);
        }
        return out;
    }

    @Override
    public String describe() {
        return "PgBouncer admin console " + options.getUser() + "@" + options.getHost() + ":" + options.getPort()
                + "/pgbouncer";
    }
}
