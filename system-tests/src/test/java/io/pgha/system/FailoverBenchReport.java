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
     * (writes resumed, rows checked) the cluster had one primary streaming to two replicas again.
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
            Optional<Duration> recovery) {
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
                    Optional.of(took));
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
     * @param planned runs planned per scenario and system (more than done: the section says it is partial)
     * @param notes what went wrong beyond single runs (a system that could not start), shown on top
     */
    static String render(
            List<SystemUnderTest> systems, List<Sample> samples, Machine machine, int planned, List<String> notes) {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        int expected = systems.size() * Scenario.values().length * planned;
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
        md.append(
                        "**What is measured**: the unavailability of writes as a client sees it, and acknowledged writes lost, ")
                .append("when the primary of a 3-member cluster fails or is switched over. One client (`Writer`, the ")
                .append("same as in `FailoverScenariosIT`) inserts numbered rows one at a time through HAProxy's ")
                .append("read-write port (a new connection after each failure, connect timeout 2 s, socket ")
                .append("timeout 5 s, 20 ms between successes, 50 ms between retries) and records every ")
                .append("acknowledged id and every failure with its time. **Write unavailability** is from the ")
                .append("first failed insert after the fault (or after the switchover was asked for) to the first ")
                .append("insert acknowledged after it (`Writer.outageSince`); a run in which no insert failed ")
                .append("counts 0. **Lost acknowledged writes** are acknowledged ids missing on the primary ")
                .append("once writes have resumed (asynchronous replication everywhere). After each run the ")
                .append("killed member is started again and the next run waits until one primary streams to two ")
                .append("replicas and the read-write port reaches it; that recovery time is not in the numbers.\n\n");
        md.append("Scenarios (as in `FailoverScenariosIT`):\n");
        for (Scenario s : Scenario.values()) {
            md.append("- ")
                    .append(s.number)
                    .append(", ")
                    .append(s.title)
                    .append(": ")
                    .append(s.fault)
                    .append(s == Scenario.SWITCHOVER ? ".\n\n" : ";\n");
        }
        md.append("All three clusters run at once on the machine (each on its own ports, etcd and HAProxy); ")
                .append("the runs go in turn: run 1 of scenarios 1, 2, 3 on pgha, then on Patroni defaults, then on ")
                .append("Patroni fast, then run 2, and so on, ")
                .append(planned)
                .append(" runs of each scenario per system, so that every system meets the same machine load. ")
                .append("The idle clusters add a little background load to the measured one.\n\n");
        md.append("Systems, each with the same PostgreSQL 15 binaries, a 1-member etcd (`io.pgha.local.EtcdCluster`), ")
                .append("HAProxy 2.6 and client:\n");
        for (SystemUnderTest system : systems) {
            md.append("- **")
                    .append(system.label())
                    .append("**: ")
                    .append(system.timings())
                    .append(";\n");
        }
        md.append("\npgha is the whole suite as `./pgha up` starts it (`LocalCluster`: agents, two coordinators, ")
                .append("health-monitor, Kafka, and config-renderer, which routes HAProxy's read-write port from ")
                .append("`pgha.topology`); its node loss is kill -9 of the agent's process group and of the ")
                .append(
                        "postmaster, its switchover `POST /api/v1/clusters/pgha/switchover` on a coordinator. Patroni is Debian's `patroni` ")
                .append("package (installed by the benchmark when missing) run by `PatroniCluster` as the ")
                .append("`postgres` user, behind HAProxy configured as Patroni's documentation shows ")
                .append("(`option httpchk OPTIONS /primary`, `http-check expect status 200`, `default-server inter 1s ")
                .append("fall 2 rise 1 on-marked-down shutdown-sessions`, `check port <REST port>`); its node ")
                .append("loss is kill -9 of the `patroni` process and of its postmaster, its switchover ")
                .append(
                        "`POST /switchover` on the leader's REST API (which answers once the new leader holds the key). ")
                .append("\"Patroni fast\" uses the smallest ttl Patroni accepts, 20 s, with loop_wait 2 s and ")
                .append("retry_timeout 5 s (its documentation's rules: ttl ≥ 20, loop_wait ≥ 1, retry_timeout ≥ 3, ")
                .append("loop_wait + 2 × retry_timeout ≤ ttl).\n\n");
        md.append("**Command** (`system-tests/src/test/java/io/pgha/system/FailoverBenchIT.java`, tag `bench`, left ")
                .append("out of `./pgha test` by the root pom's `pgha.excluded.groups`; needs root for the ")
                .append("`postgres` user and apt-get):\n\n```\n")
                .append(machine.command())
                .append("\n```\n\n")
                .append("(`-o` keeps Maven offline: the other modules must already be built and installed in ")
                .append(
                        "`~/.m2`; the benchmark starts their jars.) `-Dbench.runs=5` (the default) sets the runs per scenario and system, ")
                .append("`-Dbench.systems=pgha,patroni-defaults,patroni-fast` which systems run, ")
                .append("`-Dbench.until=<instant>` starts no run after that instant. ")
                .append("Every run is also written to `system-tests/target/bench-failover.md`.\n\n");
        md.append(BenchMachine.paragraph(machine));

        for (Scenario scenario : Scenario.values()) {
            md.append("### Scenario ")
                    .append(scenario.number)
                    .append(": ")
                    .append(scenario.title)
                    .append("\n\n");
            md.append("| system | runs | write unavailability, median | write unavailability, max "
                    + "| lost acknowledged writes, median | lost acknowledged writes, max |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            for (SystemUnderTest system : systems) {
                Stats u = unavailability(samples, system.label(), scenario);
                Stats l = lost(samples, system.label(), scenario);
                long failed = samples.stream()
                        .filter(s -> s.system().equals(system.label()) && s.scenario() == scenario && !s.completed())
                        .count();
                md.append("| ")
                        .append(system.label())
                        .append(" | ")
                        .append(u.runs())
                        .append(failed > 0 ? " (+" + failed + " failed)" : "")
                        .append(" | ")
                        .append(seconds(u.median()))
                        .append(" | ")
                        .append(seconds(u.max()))
                        .append(" | ")
                        .append(count(l.median()))
                        .append(" | ")
                        .append(count(l.max()))
                        .append(" |\n");
            }
            Optional<SystemUnderTest> pgha =
                    systems.stream().filter(s -> s.label().equals("pgha")).findFirst();
            if (pgha.isPresent()) {
                Stats p = unavailability(samples, "pgha", scenario);
                Stats pl = lost(samples, "pgha", scenario);
                for (SystemUnderTest other : systems) {
                    if (other.label().equals("pgha")) {
                        continue;
                    }
                    Stats o = unavailability(samples, other.label(), scenario);
                    Stats ol = lost(samples, other.label(), scenario);
                    md.append("| **pgha / ")
                            .append(other.label())
                            .append("** | | ")
                            .append(times(ratio(p.median(), o.median())))
                            .append(" | ")
                            .append(times(ratio(p.max(), o.max())))
                            .append(" | ")
                            .append(times(ratio(pl.median(), ol.median())))
                            .append(" | ")
                            .append(times(ratio(pl.max(), ol.max())))
                            .append(" |\n");
                }
            }
            md.append('\n');
        }
        md.append("A ratio below 1 means pgha was unavailable for less time; \"–\" means undefined (a 0 divisor).\n\n");
        md.append("<details><summary>Every run</summary>\n\n");
        md.append("| system | scenario | run | write unavailability | failed inserts | acknowledged | lost "
                + "| healthy again after the run | outcome |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        List<Sample> ordered = new ArrayList<>(samples);
        List<String> order = systems.stream().map(SystemUnderTest::label).toList();
        ordered.sort(Comparator.comparingInt((Sample s) -> order.indexOf(s.system()))
                .thenComparing(Sample::scenario)
                .thenComparingInt(Sample::run));
        for (Sample s : ordered) {
            md.append("| ")
                    .append(s.system())
                    .append(" | ")
                    .append(s.scenario().number)
                    .append(" | ")
                    .append(s.run())
                    .append(" | ")
                    .append(s.completed() ? seconds(s.unavailabilityMillis()) : "–")
                    .append(" | ")
                    .append(s.failedWrites())
                    .append(" | ")
                    .append(s.acknowledged())
                    .append(" | ")
                    .append(s.completed() ? Long.toString(s.lost()) : "–")
                    .append(" | ")
                    .append(s.recovery().map(d -> seconds(d.toMillis())).orElse("–"))
                    .append(" | ")
                    .append(s.error()
                            .map(e -> "**failed**: " + e)
                            .orElse(s.outcome())
                            .replace('|', '/'))
                    .append(" |\n");
        }
        md.append("\n</details>\n");
        return md.toString();
    }

    /**
     * {@code document} with the section under {@link #HEADING} (up to the next {@code ## } heading)
     * replaced by {@code section}, or with {@code section} appended when there is none; the other
     * sections stay as they are.
     */
    static String replaceSection(String document, String section) {
        return BenchMachine.replaceSection(document, HEADING, section);
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
