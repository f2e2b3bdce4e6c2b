package io.pgha.system;

import io.pgha.system.FailoverBenchReport.Machine;
import java.util.List;
import java.util.Locale;

/** The "Alerts: event → Alertmanager" section of docs/benchmarks.md, from measured latencies (pure). */
final class AlertBenchReport {
    static final String HEADING = "## Alerts: event → Alertmanager";

    /** Nearest-rank percentiles of one path's latencies in milliseconds, over {@code runs} alerts. */
    record Latencies(int runs, long p50, long p99, long max) {
        static Latencies of(List<Long> millis) {
            List<Long> sorted = millis.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return new Latencies(0, -1, -1, -1);
            }
            return new Latencies(
                    sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
        }

        private static long percentile(List<Long> sorted, double q) {
            int rank = (int) Math.ceil(q * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }
    }

    /**
     * What was measured: alert-service's fire and resolve latencies, Prometheus' fire and resolve
     * latencies at the shipped intervals, and the intervals used.
     */
    record Results(
            Latencies eventFired,
            Latencies eventResolved,
            Latencies ruleFired,
            Latencies ruleResolved,
            String scrapeInterval,
            String evaluationInterval,
            int warmup) {}

    private AlertBenchReport() {}

    /** The section, with {@link #HEADING}, the method, the machine and the table. */
    static String section(Results r, Machine machine) {
        StringBuilder out = new StringBuilder();
        out.append(HEADING).append("\n\n");
        out.append("**What is measured**: how long a condition takes to become an alert that Alertmanager's "
                + "`GET /api/v2/alerts` shows, polled every 5 ms by the benchmark. Two paths to the same Alertmanager "
                + "(Debian's `prometheus-alertmanager`, a configuration that notifies nobody):\n");
        out.append("- **alert-service (events)**: the built alert-service with one real Kafka broker. For each of ")
                .append(r.eventFired().runs())
                .append(" distinct clusters `bench-<n>` the benchmark publishes a `WalArchiveFailed` on "
                        + "`pgha.backup` (acknowledged by the broker, `acks=all`) and measures from just before the "
                        + "send to the moment `PghaWalArchiveFailing` of that cluster is in Alertmanager (fired); then "
                        + "a `WalArchiveProgress` with a new archived segment, measured the same way until the alert "
                        + "is gone from Alertmanager (resolved). One alert at a time, each a distinct fingerprint; ")
                .append(r.warmup())
                .append(" warm-up alerts before them are not counted. The path: Kafka consumer → rule evaluation "
                        + "→ outbox file (fsynced) → `POST /api/v2/alerts`.\n");
        out.append("- **Prometheus rule (scrapes)**: Prometheus with the shipped `pgha.rules.yml` at the shipped "
                        + "intervals (scrape ")
                .append(r.scrapeInterval())
                .append(", evaluation ")
                .append(r.evaluationInterval())
                .append(") scrapes a `/metrics` endpoint the benchmark serves as job `health-monitor` "
                        + "(`pgha_member_reachable` of ")
                .append(r.ruleFired().runs())
                .append(" members). Per run one member's value turns from 1 to 0 (run n at n/runs of a scrape interval "
                        + "after the previous run ended, so the runs cover the phases of the scrape and evaluation "
                        + "cycle evenly); measured from that moment to "
                        + "its `PghaMemberDown` (`for: 5s`) in Alertmanager, then from turning back to 1 to the "
                        + "alert gone. The condition is a member unreachable for the health-monitor: the same fact "
                        + "the event rule sees from the probes, without the 1 s probe interval and the event rule's "
                        + "own `memberDownFor` of 2 s (alert-service's path from a killed replica adds those: "
                        + "`LocalClusterIT` prints about 3-4 s from kill -9).\n\n");
        out.append(BenchMachine.paragraph(machine));
        out.append(
                "| path | runs | fired p50 | fired p99 | fired max | resolved p50 | resolved p99 | resolved max |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        row(out, "alert-service (events)", r.eventFired(), r.eventResolved());
        row(out, "Prometheus rule (scrapes)", r.ruleFired(), r.ruleResolved());
        out.append("\nGoal: alert-service p99 < 1 s from the event: **")
                .append(r.eventFired().runs() > 0 && r.eventFired().p99() < 1000 ? "met" : "not met")
                .append("**.\n\nRun with `")
                .append(machine.command())
                .append("` (`-Dbench.alerts=100 -Dbench.rule.runs=10`).\n");
        return out.toString();
    }

    private static void row(StringBuilder out, String path, Latencies fired, Latencies resolved) {
        out.append(String.join(
                        " | ",
                        "| " + path,
                        Integer.toString(fired.runs()),
                        ms(fired.p50()),
                        ms(fired.p99()),
                        ms(fired.max()),
                        ms(resolved.p50()),
                        ms(resolved.p99()),
                        ms(resolved.max())))
                .append(" |\n");
    }

    private static String ms(long millis) {
        return millis < 0 ? "–" : String.format(Locale.ROOT, "%d ms", millis);
    }
}
