package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.system.FailoverBenchReport.Machine;
import io.pgha.system.PoolBenchReport.Run;
import io.pgha.system.PoolBenchReport.Setup;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolBenchReportTest {
    /** pgbench 15 through the pool: 200 clients, no error. */
    static final String POOLED =
            """
            pgbench (15.14 (Debian 15.14-0+deb12u1))
            transaction type: <builtin: select only>
            scaling factor: 1
            query mode: simple
            number of clients: 200
            number of threads: 2
            maximum number of tries: 1
            duration: 30 s
            number of transactions actually processed: 123456
            number of failed transactions: 0 (0.000%)
            latency average = 48.610 ms
            initial connection time = 812.345 ms
            tps = 4114.423810 (without initial connection time)
            """;

    /** pgbench 15 through HAProxy, persistent connections: it cannot open its 200. */
    static final String REFUSED_AT_START =
            """
            pgbench (15.14 (Debian 15.14-0+deb12u1))
            pgbench: error: connection to server at "127.0.0.1", port 41234 failed: FATAL:  sorry, too many clients already
            pgbench: error: could not create connection for client 17
            """;

    /** pgbench 15 through HAProxy with -C: clients whose connection is refused abort, the others go on. */
    static final String ABORTED_WITH_C =
            """
            pgbench (15.14 (Debian 15.14-0+deb12u1))
            pgbench: error: connection to server at "127.0.0.1", port 41234 failed: FATAL:  sorry, too many clients already
            pgbench: error: client 31 aborted while establishing connection
            pgbench: error: connection to server at "127.0.0.1", port 41234 failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections
            pgbench: error: client 32 aborted while establishing connection
            transaction type: <builtin: select only>
            number of clients: 200
            number of transactions actually processed: 2345
            number of failed transactions: 0 (0.000%)
            latency average = 250.000 ms
            average connection time = 3.210 ms
            tps = 80.000000 (including reconnection times)
            pgbench: error: Run was aborted; the above results are incomplete.
            """;

    @Test
    void aPooledRunHasItsThroughputAndNoError() {
        Run run = PoolBenchReport.parse("PgBouncer", false, 0, POOLED);

        assertThat(run.transactions()).hasValue(123456);
        assertThat(run.tps()).hasValue(4114.423810);
        assertThat(run.latencyMs()).hasValue(48.610);
        assertThat(run.failedTransactions()).isZero();
        assertThat(run.abortedClients()).isZero();
        assertThat(run.refusedConnections()).isZero();
        assertThat(run.startFailed()).isFalse();
    }

    @Test
    void aRunThatCouldNotOpenItsConnectionsHasNoThroughput() {
        Run run = PoolBenchReport.parse("HAProxy", false, 1, REFUSED_AT_START);

        assertThat(run.startFailed()).isTrue();
        assertThat(run.transactions()).isEmpty();
        assertThat(run.tps()).isEmpty();
        assertThat(run.refusedConnections()).isEqualTo(1);
    }

    @Test
    void abortedClientsAndRefusedConnectionsAreCounted() {
        Run run = PoolBenchReport.parse("HAProxy", true, 2, ABORTED_WITH_C);

        assertThat(run.abortedClients()).isEqualTo(2);
        assertThat(run.refusedConnections()).isEqualTo(2);
        assertThat(run.transactions()).hasValue(2345);
        assertThat(run.tps()).hasValue(80.0);
    }

    @Test
    void theSectionHasARowPerRunAndTheMachine() {
        List<Run> runs = List.of(
                PoolBenchReport.parse("PgBouncer", false, 0, POOLED),
                PoolBenchReport.parse("HAProxy", false, 1, REFUSED_AT_START),
                PoolBenchReport.parse("HAProxy", true, 2, ABORTED_WITH_C));
        Machine machine = new Machine(
                2,
                "cpu",
                4096,
                "PostgreSQL 15",
                "2026-12-02 00:00:00 UTC",
                "2026-12-02 00:03:00 UTC",
                "median 3.0, min 2.0, max 4.0 (sampled every 5 s)",
                "PoolBenchIT");

        String md = PoolBenchReport.markdown(
                new Setup(20, 200, 30, 15, "pgbench (PostgreSQL) 15.14", "PgBouncer 1.18.0"), runs, machine);

        assertThat(md)
                .startsWith(PoolBenchReport.HEADING + "\n\n")
                .contains("**200 clients** (10× max_connections)")
                .contains("| PgBouncer | persistent | 4114 | 123456 | 48.6 ms | 0 | 0 | completed, no error |")
                .contains(
                        "| HAProxy | persistent | — | — | — | 0 | 1 | pgbench could not open its connections and gave up (exit 1) |")
                .contains(
                        "| HAProxy | one per transaction (`-C`) | 80 | 2345 | 250.0 ms | 2 | 2 | completed with 2 clients"
                                + " aborted (exit 2) |")
                .contains("median 3.0, min 2.0, max 4.0");
    }
}
