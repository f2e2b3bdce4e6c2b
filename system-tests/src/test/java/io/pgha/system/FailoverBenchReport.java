package io.pgha.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns {@link FailoverBenchIT}'s samples into the "Failover: pgha vs Patroni" section of
 * docs/benchmarks.md, and puts that section into the document in place of the old one. Pure: no file,
 * no clock.
 */
final class FailoverBenchReport {
    static final String HEADING = "## Failover: pgha vs Patroni";

    /** The section of {@code -Dbench.systems=pgha,pgha-insecure}: pgha with TLS on against plaintext. */
    static final String TLS_HEADING = "## Failover with TLS on (issue 21)";

    /** The scenarios measured, as FailoverScenariosIT numbers them. */
    enum Scenario {
        NODE_LOSS(
                "1",
                "node loss",
                "kill -9 of the primary's manager (pgha's node-agent, or Patroni) and of its postmaster"),
        POSTMASTER_KILL("2", "postmaster kill", "kill -9 of the primary's postmaster only"),
        SWITCHOVER("3", "planned switchover", "a switchover to a named replica through the REST API");

        final String number;
        final String title;
        final String fault;

        Scenario(String number, String title, String fault) {
            this.number = number;
            this.title = title;
            this.fault = fault;
        }
    }

    /** A system under test as the report shows it. */
    record SystemUnderTest(String label, String timings) {}

    /**
     * One measured run: the client-observed write unavailability (empty when no write failed),
     * acknowledged writes and how many of them the primary afterwards lacks; {@code error} when the
     * run did not complete (then it counts in no statistic); {@code recovery}: how long after the run
     * (writes resumed, rows checked) the cluster had one primary streaming to two replicas again;
     * {@code openLoop}: what the open-loop client saw in the same run (empty when it did not resume).
     */
    record Sample(
            String system,
            Scenario scenario,
            int run,
            Optional<Duration> unavailability,
            int failedWrites,
            long acknowledged,
            long lost,
            String outcome,
            Optional<String> error,
            Optional<Duration> recovery,
            Optional<OpenLoop.Result> openLoop) {
        /** This sample with the time the cluster took to be healthy again after it. */
        Sample recovered(Duration took) {
            return new Sample(
                    system,
                    scenario,
                    run,
                    unavailability,
                    failedWrites,
                    acknowledged,
                    lost,
                    outcome,
                    error,
                    Optional.of(took),
                    openLoop);
        }

        boolean completed() {
            return error.isEmpty();
        }

        long unavailabilityMillis() {
            return unavailability.map(Duration::toMillis).orElse(0L);
        }
    }

    /** The machine and the run, for the report's header. */
    record Machine(
            int cpus,
            String cpuModel,
            long memoryMib,
            String software,
            String started,
            String finished,
            String loadAverage,
            String command) {}

    /** Median and maximum of one quantity over the completed runs. */
    record Stats(int runs, double median, double max) {
        static Stats of(List<Long> values) {
            if (values.isEmpty()) {
                return new Stats(0, Double.NaN, Double.NaN);
            }
            List<Long> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
            return new Stats(n, median, sorted.get(n - 1));
        }
    }

    private FailoverBenchReport() {}

    /** Unavailability in ms of the completed runs of {@code system} in {@code scenario}. */
    static Stats unavailability(List<Sample> samples, String system, Scenario scenario) {
        return Stats.of(completed(samples, system, scenario).stream()
                .map(Sample::unavailabilityMillis)
                .toList());
    }

    /** Lost acknowledged writes of the completed runs of {@code system} in {@code scenario}. */
    static Stats lost(List<Sample> samples, String system, Scenario scenario) {
        return Stats.of(
                completed(samples, system, scenario).stream().map(Sample::lost).toList());
    }

    /** The open-loop gap in ms of the completed runs in which the open-loop client resumed. */
    static Stats gap(List<Sample> samples, String system, Scenario scenario) {
        return Stats.of(openLoop(samples, system, scenario).stream()
                .map(OpenLoop.Result::gapMillis)
                .toList());
    }

    /** The open-loop failed attempts of those runs. */
    static Stats failedAttempts(List<Sample> samples, String system, Scenario scenario) {
        return Stats.of(openLoop(samples, system, scenario).stream()
                .map(r -> (long) r.failed())
                .toList());
    }

    /** The open-loop attempts of those runs that failed after recovery. */
    static Stats failedAfterRecovery(List<Sample> samples, String system, Scenario scenario) {
        return Stats.of(openLoop(samples, system, scenario).stream()
                .map(r -> (long) r.failedAfterRecovery())
                .toList());
    }

    /**
     * One latency over those runs, in ms: the median of the runs' p50 and of their p99, and the largest
     * maximum.
     */
    record LatencySummary(double p50Millis, double p99Millis, double maxMillis) {}

    /** The steady-state ({@code fault} false) or fault-window latency summary of those runs. */
    static LatencySummary latency(List<Sample> samples, String system, Scenario scenario, boolean fault) {
        List<OpenLoop.Latency> latencies = openLoop(samples, system, scenario).stream()
                .map(r -> fault ? r.fault() : r.steady())
                .filter(l -> l.count() > 0)
                .toList();
        return new LatencySummary(
                BackupBenchReport.median(
                        latencies.stream().map(OpenLoop.Latency::p50Millis).toList()),
                BackupBenchReport.median(
                        latencies.stream().map(OpenLoop.Latency::p99Millis).toList()),
                latencies.stream()
                        .mapToDouble(OpenLoop.Latency::maxMillis)
                        .max()
                        .orElse(Double.NaN));
    }

    /** {@code a / b}, or empty when either is unknown or {@code b} is 0. */
    static OptionalDouble ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(a / b);
    }

    /**
     * The whole section, from its heading to its last line.
     *
     * @param scenarios the scenarios run, in order
     * @param footprint the idle footprint of every system's service processes (empty: not measured)
     * @param planned runs planned per scenario and system (more than done: the section says it is partial)
     * @param notes what went wrong beyond single runs (a system that could not start), shown on top
     */
    static String render(
            List<SystemUnderTest> systems,
            List<Scenario> scenarios,
            List<Sample> samples,
            List<Footprint.Usage> footprint,
            Machine machine,
            int planned,
            List<String> notes) {
        return render(HEADING, systems, scenarios, samples, footprint, machine, planned, notes);
    }

    /** Like {@link #render(List, List, List, List, Machine, int, List)} under {@code heading}. */
    static String render(
            String heading,
            List<SystemUnderTest> systems,
            List<Scenario> scenarios,
            List<Sample> samples,
            List<Footprint.Usage> footprint,
            Machine machine,
            int planned,
            List<String> notes) {
        StringBuilder md = new StringBuilder();
        md.append(heading).append("\n\n");
        int expected = systems.size() * scenarios.size() * planned;
        if (samples.size() < expected) {
            md.append("**Partial results**: ")
                    .append(samples.size())
                    .append(" of ")
                    .append(expected)
                    .append(" planned runs were done when this was written (")
                    .append(machine.finished())
                    .append(").\n\n");
        }
        for (String note : notes) {
            md.append("**Note**: ").append(note).append("\n\n");
        }
        md.append(WHAT_IS_MEASURED);
        md.append("Scenarios (as in `FailoverScenariosIT`; `-Dbench.scenarios` selects some):\n");
        for (Scenario s : scenarios) {
            md.append("- ")
                    .append(s.number)
                    .append(", ")
                    .append(s.title)
                    .append(": ")
                    .append(s.fault)
                    .append(s == scenarios.get(scenarios.size() - 1) ? ".\n\n" : ";\n");
        }
        md.append("All the clusters run at once on the machine (each on its own ports, etcd and HAProxy); ")
                .append("the runs go in turn: run 1 of each scenario on the first system, then on the next, ")
                .append("and so on, then run 2, ")
                .append(planned)
                .append(" runs of each scenario per system, so that every system meets the same machine load. ")
                .append("The idle clusters add a little background load to the measured one.\n\n");
        md.append("Systems, each with the same PostgreSQL 15 binaries, a 1-member etcd (`io.pgha.local.EtcdCluster`), ")
                .append("HAProxy 2.6 and clients:\n");
        for (SystemUnderTest system : systems) {
            md.append("- **")
                    .append(system.label())
                    .append("**: ")
                    .append(system.timings())
                    .append(";\n");
        }
        md.append(SYSTEMS_TEXT);
        md.append("**Command** (`system-tests/src/test/java/io/pgha/system/FailoverBenchIT.java`, tag `bench`, left ")
                .append("out of `./pgha test` by the root pom's `pgha.excluded.groups`; needs root for the ")
                .append("`postgres` user and apt-get):\n\n```\n")
                .append(machine.command())
                .append("\n```\n\n")
                .append("(`-o` keeps Maven offline: the other modules must already be built and installed in ")
                .append("`~/.m2`; the benchmark starts their jars.) `-Dbench.runs=5` (the default) sets the runs ")
                .append("per scenario and system, `-Dbench.systems=pgha,patroni-defaults,patroni-fast,patroni-ttl5` ")
                .append("which systems run, `-Dbench.scenarios=1,2,3` which scenarios, `-Dbench.idle.seconds=30` ")
                .append("the footprint's window (0: not measured), `-Dbench.until=<instant>` starts no run after ")
                .append("that instant. Every run is also written to `system-tests/target/bench-failover.md`.\n\n");
        md.append(BenchMachine.paragraph(machine));

        for (Scenario scenario : scenarios) {
            md.append("### Scenario ")
                    .append(scenario.number)
                    .append(": ")
                    .append(scenario.title)
                    .append("\n\n");
            closedLoopTable(md, systems, samples, scenario);
            openLoopTable(md, systems, samples, scenario);
        }
        md.append("A ratio below 1 means pgha was unavailable for less time; \"–\" means undefined (a 0 divisor). ")
                .append("Latencies are p50 / p99 (medians over the runs) / max (over the runs), in ms.\n\n");
        footprintTable(md, systems, footprint);
        everyRun(md, systems, samples);
        return md.toString();
    }

    /** The "What is measured" paragraphs (docs/benchmarks.md shows them; keep both in step). */
    static final String WHAT_IS_MEASURED = "**What is measured**: what clients see of writes, and acknowledged "
            + "writes lost, when the primary of a 3-member cluster fails or is switched over. Two clients write "
            + "through HAProxy's read-write port at the same time, each into its own table, and both are "
            + "reported.\n\n"
            + "- **Closed loop** (`Writer`, the same as in `FailoverScenariosIT`): one insert at a time on one "
            + "connection (a new connection after each failure, connect timeout 2 s, socket timeout 5 s, 20 ms "
            + "between successes, 50 ms between retries). **Write unavailability** is from the first failed "
            + "insert after the fault (or after the switchover was asked for) to the first insert acknowledged "
            + "after it (`Writer.outageSince`); a run in which no insert failed counts 0, and the time from the "
            + "last acknowledged insert to the first failure is not in it. **Lost acknowledged writes** are "
            + "acknowledged ids missing on the primary once writes have resumed (asynchronous replication "
            + "everywhere).\n"
            + "- **Open loop** (`OpenLoopWriter`, like a fleet of short-lived clients): an attempt starts every "
            + "50 ms whether or not the earlier ones have finished (on a pool of at most 120 threads; an attempt "
            + "finding none free counts as failed), each with a NEW connection and one insert, given up after "
            + "3 s. Every attempt's start, end, outcome and acknowledging member are recorded; `OpenLoop` "
            + "computes, per run: the **gap**, the longest stretch between two consecutive acknowledged "
            + "attempts (ordered by acknowledgement time) among those that end after the fault; **failed "
            + "attempts**, the attempts that ended after the fault without an acknowledgement (error, timeout "
            + "or no free thread); **failed after recovery**, those of them that started after the "
            + "acknowledgement that ends the gap (writes had visibly resumed, and still an attempt failed); "
            + "**latency**, from an attempt's start (connecting included) to its acknowledgement, of "
            + "acknowledged attempts only: in **steady state** those acknowledged before the fault, in the "
            + "**fault window** those in flight at some time between the fault and the end of the gap. The "
            + "open loop starts with the closed one, needs 40 acknowledgements before the fault, and stops 5 s "
            + "after the closed loop saw writes resume (once it has an acknowledgement that late).\n\n"
            + "After each run the killed member is started again and the next run waits until one primary "
            + "streams to two replicas and the read-write port reaches it; that recovery time is not in the "
            + "numbers. The **idle footprint** is measured once, after the runs, with every cluster healthy "
            + "and no client writing: each service process's CPU over the window (`utime + stime` of "
            + "`/proc/<pid>/stat`, as % of one core) and its resident memory at the end (`VmRSS` of "
            + "`/proc/<pid>/status`); PostgreSQL, etcd and HAProxy, the same in every system, are left "
            + "out.\n\n";

    private static final String SYSTEMS_TEXT = "\npgha is the whole suite as `./pgha up` starts it "
            + "(`LocalCluster`: agents, two coordinators, health-monitor, Kafka, and config-renderer, which routes "
            + "HAProxy's read-write port from `pgha.topology`; also backup-service, alert-service, Prometheus, "
            + "Alertmanager and PgBouncer); its node loss is kill -9 of the agent's process group and of the "
            + "postmaster, its switchover `POST /api/v1/clusters/pgha/switchover` on a coordinator. Patroni is "
            + "Debian's `patroni` package (installed by the benchmark when missing) run by `PatroniCluster` as "
            + "the `postgres` user, behind HAProxy configured as Patroni's documentation shows (`option httpchk "
            + "OPTIONS /primary`, `http-check expect status 200`, `default-server inter 1s fall 2 rise 1 "
            + "on-marked-down shutdown-sessions`, `check port <REST port>`); its node loss is kill -9 of the "
            + "`patroni` process and of its postmaster, its switchover `POST /switchover` on the leader's REST "
            + "API (which answers once the new leader holds the key). Patroni's documentation asks for ttl ≥ "
            + "20, loop_wait ≥ 1, retry_timeout ≥ 3 and loop_wait + 2 × retry_timeout ≤ ttl; Patroni enforces "
            + "the minimums (raising smaller values, with a warning) only from 3.2.0 on, so Debian's 3.0.2 runs "
            + "\"Patroni ttl 5\" (ttl 5, loop_wait 1, retry_timeout 2) as given. \"Patroni fast\" is the "
            + "smallest ttl the documentation allows, 20 s.\n\n";

    /** One Markdown table row: {@code | a | b |}, an empty cell as {@code | |}. */
    private static void row(StringBuilder md, Object... cells) {
        md.append('|');
        for (Object cell : cells) {
            String text = String.valueOf(cell);
            md.append(' ');
            if (!text.isEmpty()) {
                md.append(text).append(' ');
            }
            md.append('|');
        }
        md.append('\n');
    }

    private static void closedLoopTable(
            StringBuilder md, List<SystemUnderTest> systems, List<Sample> samples, Scenario scenario) {
        md.append("Closed loop:\n\n");
        md.append("| system | runs | write unavailability, median | write unavailability, max "
                + "| lost acknowledged writes, median | lost acknowledged writes, max |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (SystemUnderTest system : systems) {
            Stats u = unavailability(samples, system.label(), scenario);
            Stats l = lost(samples, system.label(), scenario);
            long failed = samples.stream()
                    .filter(s -> s.system().equals(system.label()) && s.scenario() == scenario && !s.completed())
                    .count();
            row(
                    md,
                    system.label(),
                    u.runs() + (failed > 0 ? " (+" + failed + " failed)" : ""),
                    seconds(u.median()),
                    seconds(u.max()),
                    count(l.median()),
                    count(l.max()));
        }
        for (SystemUnderTest other : others(systems)) {
            Stats p = unavailability(samples, "pgha", scenario);
            Stats pl = lost(samples, "pgha", scenario);
            Stats o = unavailability(samples, other.label(), scenario);
            Stats ol = lost(samples, other.label(), scenario);
            row(
                    md,
                    "**pgha / " + other.label() + "**",
                    "",
                    times(ratio(p.median(), o.median())),
                    times(ratio(p.max(), o.max())),
                    times(ratio(pl.median(), ol.median())),
                    times(ratio(pl.max(), ol.max())));
        }
        md.append('\n');
    }

    private static void openLoopTable(
            StringBuilder md, List<SystemUnderTest> systems, List<Sample> samples, Scenario scenario) {
        md.append("Open loop:\n\n");
        md.append("| system | runs | gap, median | gap, max | failed attempts, median (max) "
                + "| failed after recovery, median (max) | latency, steady | latency, fault window |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SystemUnderTest system : systems) {
            Stats g = gap(samples, system.label(), scenario);
            Stats f = failedAttempts(samples, system.label(), scenario);
            Stats a = failedAfterRecovery(samples, system.label(), scenario);
            row(
                    md,
                    system.label(),
                    g.runs(),
                    seconds(g.median()),
                    seconds(g.max()),
                    count(f.median()) + " (" + count(f.max()) + ")",
                    count(a.median()) + " (" + count(a.max()) + ")",
                    latency(latency(samples, system.label(), scenario, false)),
                    latency(latency(samples, system.label(), scenario, true)));
        }
        for (SystemUnderTest other : others(systems)) {
            Stats p = gap(samples, "pgha", scenario);
            Stats o = gap(samples, other.label(), scenario);
            row(
                    md,
                    "**pgha / " + other.label() + "**",
                    "",
                    times(ratio(p.median(), o.median())),
                    times(ratio(p.max(), o.max())),
                    "",
                    "",
                    "",
                    "");
        }
        md.append('\n');
    }

    private static void footprintTable(StringBuilder md, List<SystemUnderTest> systems, List<Footprint.Usage> usages) {
        md.append("### Idle footprint\n\n");
        if (usages.isEmpty()) {
            md.append("Not measured in this run.\n\n");
            return;
        }
        md.append("| system | process | CPU, % of a core | RSS, MiB |\n");
        md.append("|---|---|---:|---:|\n");
        for (SystemUnderTest system : systems) {
            List<Footprint.Usage> mine = usages.stream()
                    .filter(u -> u.system().equals(system.label()))
                    .toList();
            for (Footprint.Usage u : mine) {
                row(
                        md,
                        u.system(),
                        u.process(),
                        String.format(Locale.ROOT, "%.1f", u.cpuPercent()),
                        String.format(Locale.ROOT, "%.0f", u.rssMib()));
            }
            if (!mine.isEmpty()) {
                row(
                        md,
                        system.label(),
                        "**all " + mine.size() + "**",
                        String.format(
                                Locale.ROOT,
                                "**%.1f**",
                                mine.stream()
                                        .mapToDouble(Footprint.Usage::cpuPercent)
                                        .sum()),
                        String.format(
                                Locale.ROOT,
                                "**%.0f**",
                                mine.stream()
                                        .mapToDouble(Footprint.Usage::rssMib)
                                        .sum()));
            }
        }
        md.append('\n');
    }

    private static void everyRun(StringBuilder md, List<SystemUnderTest> systems, List<Sample> samples) {
        md.append("<details><summary>Every run</summary>\n\n");
        md.append("| system | scenario | run | write unavailability | failed inserts | acknowledged | lost "
                + "| open-loop gap | open-loop failed / after recovery | healthy again after the run | outcome |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        List<Sample> ordered = new ArrayList<>(samples);
        List<String> order = systems.stream().map(SystemUnderTest::label).toList();
        ordered.sort(Comparator.comparingInt((Sample s) -> order.indexOf(s.system()))
                .thenComparing(Sample::scenario)
                .thenComparingInt(Sample::run));
        for (Sample s : ordered) {
            row(
                    md,
                    s.system(),
                    s.scenario().number,
                    s.run(),
                    s.completed() ? seconds(s.unavailabilityMillis()) : "–",
                    s.failedWrites(),
                    s.acknowledged(),
                    s.completed() ? Long.toString(s.lost()) : "–",
                    s.openLoop()
                            .flatMap(OpenLoop.Result::gap)
                            .map(d -> seconds(d.toMillis()))
                            .orElse("–"),
                    s.openLoop()
                            .map(r -> r.failed() + " / " + r.failedAfterRecovery())
                            .orElse("–"),
                    s.recovery().map(d -> seconds(d.toMillis())).orElse("–"),
                    s.error().map(e -> "**failed**: " + e).orElse(s.outcome()).replace('|', '/'));
        }
        md.append("\n</details>\n");
    }

    private static List<SystemUnderTest> others(List<SystemUnderTest> systems) {
        boolean pgha = systems.stream().anyMatch(s -> s.label().equals("pgha"));
        return pgha ? systems.stream().filter(s -> !s.label().equals("pgha")).toList() : List.of();
    }

    private static String latency(LatencySummary l) {
        if (Double.isNaN(l.p50Millis())) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms", l.p50Millis(), l.p99Millis(), l.maxMillis());
    }

    /**
     * {@code document} with the section under {@link #HEADING} (up to the next {@code ## } heading)
     * replaced by {@code section}, or with {@code section} appended when there is none; the other
     * sections stay as they are.
     */
    static String replaceSection(String document, String section) {
        return BenchMachine.replaceSection(document, HEADING, section);
    }

    private static List<OpenLoop.Result> openLoop(List<Sample> samples, String system, Scenario scenario) {
        return completed(samples, system, scenario).stream()
                .flatMap(s -> s.openLoop().stream())
                .filter(r -> r.gap().isPresent())
                .toList();
    }

    private static List<Sample> completed(List<Sample> samples, String system, Scenario scenario) {
        return samples.stream()
                .filter(s -> s.system().equals(system) && s.scenario() == scenario && s.completed())
                .toList();
    }

    private static String seconds(double millis) {
        return Double.isNaN(millis) ? "–" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String count(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String times(OptionalDouble ratio) {
        return ratio.isPresent() ? String.format(Locale.ROOT, "%.2f", ratio.getAsDouble()) : "–";
    }
}
