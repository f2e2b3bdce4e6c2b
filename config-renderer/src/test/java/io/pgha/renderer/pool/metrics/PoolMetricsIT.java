package io.pgha.renderer.pool.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.pgha.local.LocalInfra;
import io.pgha.local.PgBouncer;
import io.pgha.local.PgBouncerTestIni;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pool metrics read from a real PgBouncer (Debian's 1.18) in front of a real PostgreSQL: clients
 * that wait for a full pool show as {@code pgha_pool_clients_waiting} and a growing
 * {@code pgha_pool_max_wait_seconds}, the transactions are counted, and a stopped PgBouncer is
 * {@code pgha_pool_up 0} with no stale pool series.
 */
class PoolMetricsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final PgBouncer.AdminLogin ADMIN = new PgBouncer.AdminLogin("pgha_admin", "admin-secret");
    private static final String STATS_USER = "pgha_stats";
    private static final String STATS_PASSWORD = "stats-secret";

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExecutorService clients = Executors.newFixedThreadPool(4);

    @AfterEach
    void close() {
        clients.shutdownNow();
        vertx.close();
    }

    @Test
    void waitingClientsOfAFullPoolAreSeenAndAStoppedPgBouncerIsUpZero() throws Exception {
        PostgresNode postgres = infra.postgres("pg0");
        Map<String, String> users = new LinkedHashMap<>();
        users.put(STATS_USER, STATS_PASSWORD);
        users.put("postgres", "client-secret");
        PgBouncerTestIni.writeAuthFile(infra.workspace(), ADMIN, users);
        int port = Ports.free();
        PgBouncer bouncer = infra.pgbouncer(ini(postgres, port), port, ADMIN);
        PoolMetricsCollector collector = new PoolMetricsCollector(
                Map.of(
                        "main",
                        new PgAdminConsole(
                                vertx, Ports.LOOPBACK, port, STATS_USER, STATS_PASSWORD, Duration.ofSeconds(3))),
                new PoolMeters(registry));

        // pool_size 1: one client holds the server connection for 4 s, three wait
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            running.add(clients.submit(() -> {
                try (Connection c = DriverManager.getConnection(
                                bouncer.jdbcUrl("app") + "?user=postgres&password=client-secret");
                        Statement s = c.createStatement()) {
                    s.execute("SELECT pg_sleep(4)");
                }
                return null;
            }));
        }
        Wait.until(DEADLINE, "pgha_pool_clients_waiting of app/postgres to show the waiting clients", () -> {
            collector.collect();
            return sample("pgha_pool_clients_waiting", "main", "app", "postgres")
                            .orElse(0.0)
                    >= 1;
        });
        Wait.until(DEADLINE, "pgha_pool_max_wait_seconds of app/postgres to pass 1 s", () -> {
            collector.collect();
            return sample("pgha_pool_max_wait_seconds", "main", "app", "postgres")
                            .orElse(0.0)
                    >= 1;
        });
        assertThat(sample("pgha_pool_size", "main", "app", "postgres")).hasValue(1.0);
        assertThat(sample("pgha_pool_up", "main", null, null)).hasValue(1.0);
        for (Future<?> client : running) {
            client.get();
        }
        Wait.until(DEADLINE, "pgha_pool_transactions_total of app to count the 4 transactions", () -> {
            collector.collect(); // SHOW STATS is updated every stats_period (1 s here)
            return sample("pgha_pool_transactions_total", "main", "app", null).orElse(0.0) >= 4;
        });

        bouncer.close();
        collector.collect();
        assertThat(sample("pgha_pool_up", "main", null, null)).hasValue(0.0);
        assertThat(registry.scrape()).doesNotContain("pgha_pool_clients_waiting{");
    }

    /** The value of {@code name} with these labels ({@code null}: label not there) in the Prometheus text. */
    private Optional<Double> sample(String name, String cluster, String database, String user) {
        Pattern line = Pattern.compile("^" + name + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(registry.scrape());
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("cluster=\"" + cluster + "\"")
                    && (database == null || labels.contains("database=\"" + database + "\""))
                    && (user == null || labels.contains("user=\"" + user + "\""))) {
                return Optional.of(Double.parseDouble(m.group(2)));
            }
        }
        return Optional.empty();
    }

    private String ini(PostgresNode postgres, int port) {
        return PgBouncerTestIni.of(infra.workspace(), port, ADMIN)
                .database("app", postgres.host(), postgres.port(), "postgres", "pool_size=1")
                .set("stats_users", STATS_USER)
                .set("stats_period", 1)
                .render();
    }
}
