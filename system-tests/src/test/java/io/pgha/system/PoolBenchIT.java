package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Commands;
import io.pgha.local.HaproxyConfig;
import io.pgha.local.LocalInfra;
import io.pgha.local.PgBouncer;
import io.pgha.local.PgBouncerTestIni;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.pgha.system.PoolBenchReport.Run;
import io.pgha.system.PoolBenchReport.Setup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pgbench through PgBouncer vs straight through HAProxy with 10× more clients than PostgreSQL's
 * {@code max_connections} (20 and 200 by default): throughput and errors, persistent connections and
 * one connection per transaction ({@code -C}), the machine's load beside them. The section "Connection
 * pooling: PgBouncer vs HAProxy at 10× max_connections" of docs/benchmarks.md is replaced after the run
 * (and written to {@code target/bench-pool.md}). Asserts only what must hold whatever the machine: the
 * pooled runs complete without a refused connection or an aborted client. Run with:
 *
 * <pre>
 * flock /tmp/pgha-light.lock ./mvnw -o -B -pl system-tests -am verify -Dgroups=bench -Dpgha.excluded.groups=none \
 *   -Dit.test=PoolBenchIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *   -Dpgha.format.skip=true [-Dbench.pool.seconds=30 -Dbench.pool.clients=200 -Dbench.pool.max-connections=20]
 * </pre>
 *
 * <p>PgBouncer points at HAProxy's listener, as the pooler beside each HAProxy does (config-renderer's
 * {@code pgbouncer.ini}); it is started here with local's {@link PgBouncer}, not through the
 * renderer, so the numbers are those of the pooling alone.
 */
@Tag("bench")
class PoolBenchIT {
    private static final int MAX_CONNECTIONS = Integer.getInteger("bench.pool.max-connections", 20);
    private static final int CLIENTS = Integer.getInteger("bench.pool.clients", 10 * MAX_CONNECTIONS);
    private static final int SECONDS = Integer.getInteger("bench.pool.seconds", 30);
    /** superuser_reserved_connections (PostgreSQL's default). */
    private static final int SUPERUSER_RESERVED = 3;
    /** Connections the test itself may hold beside the pool (pgbench -i, checks). */
    private static final int OTHER_CONNECTIONS = 2;
    /** PoolLimits' formula with one PgBouncer, one database, one user, no reserve pool. */
    private static final int POOL_SIZE = MAX_CONNECTIONS - SUPERUSER_RESERVED - OTHER_CONNECTIONS;

    private static final PgBouncer.AdminLogin ADMIN = new PgBouncer.AdminLogin("pgha_admin", "bench-admin");
    private static final String PASSWORD = "bench-secret";

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void pgbenchThroughThePoolAndThroughHaproxyAtTenTimesMaxConnections() throws Exception {
        assertThat(POOL_SIZE).as("max_connections leaves room for a pool").isPositive();
        Instant started = Instant.now();
        try (BenchMachine machine = BenchMachine.sampling()) {
            PostgresNode postgres = postgresWithMaxConnections();
            int haproxyPort = Ports.free();
            infra.haproxy(new HaproxyConfig()
                    .listen(
                            "rw",
                            Ports.LOOPBACK,
                            haproxyPort,
                            List.of(new HaproxyConfig.Server("pg0", postgres.host(), postgres.port())))
                    .render());
            pgbench(postgres.port(), List.of("-i", "-s", "1", "-q")).orThrow();
            PgBouncerTestIni.writeAuthFile(infra.workspace(), ADMIN, Map.of("postgres", PASSWORD));
            int bouncerPort = Ports.free();
            PgBouncer bouncer = infra.pgbouncer(ini(haproxyPort, bouncerPort), bouncerPort, ADMIN);

            List<Run> runs = new ArrayList<>();
            for (boolean connectPerTransaction : new boolean[] {false, true}) {
                runs.add(run("PgBouncer", bouncerPort, connectPerTransaction));
                // PAUSE closes the pool's server connections, which would otherwise hold max_connections' slots
                bouncer.admin("PAUSE postgres");
                bouncer.admin("RESUME postgres");
                awaitIdle(postgres);
                runs.add(run("HAProxy", haproxyPort, connectPerTransaction));
                awaitIdle(postgres);
            }

            String section = PoolBenchReport.markdown(
                    new Setup(
                            MAX_CONNECTIONS,
                            CLIENTS,
                            SECONDS,
                            POOL_SIZE,
                            BenchMachine.firstLine(List.of(pgbenchBinary(), "--version")),
                            BenchMachine.firstLine(List.of(PgBouncer.binary().toString(), "--version"))),
                    runs,
                    machine.describe(
                            "PostgreSQL 15, PgBouncer 1.18, HAProxy 2.6", started, Instant.now(), "PoolBenchIT"));
            BenchMachine.publish("bench-pool.md", PoolBenchReport.HEADING, section);
            System.out.println(section);

            assertThat(runs).filteredOn(r -> r.endpoint().equals("PgBouncer")).allSatisfy(r -> {
                assertThat(r.exitCode())
                        .as("pgbench's exit code through the pool: %s", r)
                        .isZero();
                assertThat(r.refusedConnections())
                        .as("refused connections through the pool")
                        .isZero();
                assertThat(r.transactions()).as("transactions through the pool").isPresent();
                assertThat(r.transactions().getAsLong()).isPositive();
            });
        }
    }

    private PostgresNode postgresWithMaxConnections() throws Exception {
        PostgresNode postgres = infra.postgres("pg0");
        postgres.execute("ALTER SYSTEM SET max_connections = " + MAX_CONNECTIONS);
        postgres.stop();
        postgres.start();
        assertThat(postgres.queryValue("SHOW max_connections")).isEqualTo(Integer.toString(MAX_CONNECTIONS));
        return postgres;
    }

    private Run run(String endpoint, int port, boolean connectPerTransaction) {
        List<String> args = new ArrayList<>(
                List.of("-n", "-S", "-c", Integer.toString(CLIENTS), "-j", "2", "-T", Integer.toString(SECONDS)));
        if (connectPerTransaction) {
            args.add("-C");
        }
        Commands.Result result = pgbench(port, args);
        Run run = PoolBenchReport.parse(endpoint, connectPerTransaction, result.exitCode(), result.output());
        System.out.println(endpoint + (connectPerTransaction ? " -C" : "") + ": " + run);
        return run;
    }

    /** Until the previous run's backends are gone (they end shortly after pgbench or the pool lets go). */
    private static void awaitIdle(PostgresNode postgres) {
        Wait.until(
                Duration.ofSeconds(30),
                "the previous run's backends to be gone",
                () -> Integer.parseInt(String.valueOf(postgres.queryValue(
                                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                                        + " AND pid <> pg_backend_pid()")))
                        == 0);
    }

    private static Commands.Result pgbench(int port, List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                pgbenchBinary(), "-h", Ports.LOOPBACK, "-p", Integer.toString(port), "-U", PostgresNode.SUPERUSER));
        command.addAll(args);
        command.add("postgres"); // PgBouncer's database has PostgreSQL's name
        return Commands.run(
                command, Map.of("PGPASSWORD", PASSWORD, "PGCONNECT_TIMEOUT", "10"), Duration.ofSeconds(SECONDS + 120L));
    }

    private static String pgbenchBinary() {
        return Commands.require(PostgresNode.binDir(), "pgbench", "postgresql-15")
                .toString();
    }

    private String ini(int haproxyPort, int port) {
        return PgBouncerTestIni.of(infra.workspace(), port, ADMIN)
                .database("postgres", Ports.LOOPBACK, haproxyPort, "postgres")
                .set("default_pool_size", POOL_SIZE)
                .set("max_client_conn", CLIENTS + 50)
                .set("log_connections", 0)
                .set("log_disconnections", 0)
                .render();
    }
}
