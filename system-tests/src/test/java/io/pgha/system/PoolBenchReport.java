package io.pgha.system;

import io.pgha.system.FailoverBenchReport.Machine;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PoolBenchIT's results: pgbench's output parsed into {@link Run}s (pure), and the markdown section
 * of docs/benchmarks.md.
 */
final class PoolBenchReport {
    static final String HEADING = "## Connection pooling: PgBouncer vs HAProxy at 10× max_connections";

    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
    private static final Pattern FAILED = Pattern.compile("number of failed transactions: (\\d+)");
    private static final Pattern TPS = Pattern.compile("^tps = ([0-9.]+)", Pattern.MULTILINE);
    private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");
    private static final Pattern ABORTED = Pattern.compile("client \\d+ aborted");
    private static final Pattern NO_INITIAL_CONNECTION = Pattern.compile("could not create connection for client");
    private static final Pattern REFUSED =
            Pattern.compile("too many clients already|remaining connection slots are reserved");

    private PoolBenchReport() {}

    /** The setup of the runs. */
    record Setup(int maxConnections, int clients, int seconds, int poolSize, String pgbench, String pgbouncer) {}

    /**
     * One pgbench run.
     *
     * @param endpoint {@code PgBouncer} or {@code HAProxy}
     * @param connectPerTransaction {@code -C}: a new connection for every transaction
     * @param exitCode pgbench's exit code (0: the run completed; 2: some clients aborted; 1: it could not start)
     * @param transactions transactions processed (empty: the run did not get that far)
     * @param failedTransactions failed transactions pgbench counted (serialization/deadlock; 0 for -S)
     * @param tps throughput (empty: no result)
     * @param latencyMs average latency
     * @param abortedClients clients pgbench aborted (a connection refused mid-run, for -C)
     * @param refusedConnections connection attempts PostgreSQL refused with "too many clients" or reserved slots
     * @param startFailed pgbench could not open its initial connections (without -C it then gives up)
     */
    record Run(
            String endpoint,
            boolean connectPerTransaction,
            int exitCode,
            OptionalLong transactions,
            long failedTransactions,
            OptionalDouble tps,
            OptionalDouble latencyMs,
            long abortedClients,
            long refusedConnections,
            boolean startFailed) {}

    /** Parses pgbench's combined output (stdout and stderr) of one run. */
    static Run parse(String endpoint, boolean connectPerTransaction, int exitCode, String output) {
        return new Run(
                endpoint,
                connectPerTransaction,
                exitCode,
                firstLong(PROCESSED, output),
                firstLong(FAILED, output).orElse(0),
                firstDouble(TPS, output),
                firstDouble(LATENCY, output),
                count(ABORTED, output),
                count(REFUSED, output),
                NO_INITIAL_CONNECTION.matcher(output).find());
    }

    /** The section that replaces {@link #HEADING}'s in docs/benchmarks.md. */
    static String markdown(Setup setup, List<Run> runs, Machine machine) {
        StringBuilder out = new StringBuilder();
        out.append(HEADING).append("\n\n");
        out.append(String.format(
                Locale.ROOT,
                "`PoolBenchIT` (system-tests, tag `bench`): PostgreSQL 15 with `max_connections = %d`, pgbench"
                        + " `-S` (select only, scale 1) with **%d clients** (10× max_connections), %d s per run, two"
                        + " threads, through PgBouncer (transaction pooling, `default_pool_size = %d`, sized by"
                        + " `PoolLimits`' formula: %d + 3 superuser-reserved + 2 for the test's own connections ≤ %d; PgBouncer"
                        + " → HAProxy → PostgreSQL as the pooler runs) and straight through HAProxy (→ PostgreSQL)."
                        + " Each endpoint twice: persistent connections (pgbench's default: every client connects"
                        + " once) and `-C` (a new connection per transaction, as an application without a pool"
                        + " does). %s; %s.\n\n",
                setup.maxConnections(),
                setup.clients(),
                setup.seconds(),
                setup.poolSize(),
                setup.poolSize(),
                setup.maxConnections(),
                setup.pgbench(),
                setup.pgbouncer()));
        out.append(BenchMachine.paragraph(machine));
        out.append("| endpoint | connections | tps | transactions | avg latency | clients aborted | connections refused"
                + " by PostgreSQL | outcome |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Run run : runs) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %d | %d | %s |\n",
                    run.endpoint(),
                    run.connectPerTransaction() ? "one per transaction (`-C`)" : "persistent",
                    run.tps().isPresent()
                            ? String.format(Locale.ROOT, "%.0f", run.tps().getAsDouble())
                            : "—",
                    run.transactions().isPresent()
                            ? Long.toString(run.transactions().getAsLong())
                            : "—",
                    run.latencyMs().isPresent()
                            ? String.format(
                                    Locale.ROOT, "%.1f ms", run.latencyMs().getAsDouble())
                            : "—",
                    run.abortedClients(),
                    run.refusedConnections(),
                    outcome(run)));
        }
        out.append("\nReading it: through HAProxy every client is a PostgreSQL backend, so beyond `max_connections`"
                + " connections are refused (\"too many clients already\"): with persistent connections pgbench"
                + " cannot even start, with `-C` the clients whose connection is refused abort and the rest carry"
                + " on. Through PgBouncer the 200 clients share the pool's server connections and none is"
                + " refused; waiting for a server connection shows as latency (and in `pgha_pool_clients_waiting`"
                + " / `pgha_pool_max_wait_seconds`). With `-C` the pooled endpoint pays a SCRAM-SHA-256 login per"
                + " transaction (PgBouncer's `auth_type`, computed by single-threaded PgBouncer and by pgbench),"
                + " while HAProxy's clients reach PostgreSQL's loopback `trust` here: that login, not the pool, is"
                + " what limits the pooled `-C` row; an application that reconnects per transaction should keep"
                + " its connections to the pooler instead. The numbers are one run on a shared, loaded machine:"
                + " compare the rows with each other, not with other machines.\n");
        return out.toString();
    }

    private static String outcome(Run run) {
        if (run.startFailed()) {
            return "pgbench could not open its connections and gave up (exit " + run.exitCode() + ")";
        }
        if (run.exitCode() == 0) {
            return "completed, no error";
        }
        if (run.abortedClients() > 0) {
            return "completed with " + run.abortedClients() + " clients aborted (exit " + run.exitCode() + ")";
        }
        return "failed (exit " + run.exitCode() + ")";
    }

    private static OptionalLong firstLong(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static OptionalDouble firstDouble(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    private static long count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
