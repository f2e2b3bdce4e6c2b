package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Commands;
import io.pgha.local.Haproxy;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import io.pgha.system.FailoverBenchReport.Sample;
import io.pgha.system.FailoverBenchReport.Scenario;
import io.pgha.system.FailoverBenchReport.SystemUnderTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Failover scenarios 1 to 3 of {@link FailoverScenariosIT} (node loss, postmaster kill, planned
 * switchover), run {@code bench.runs} times (default 5) each against pgha and against Debian's Patroni
 * with its default timings and with its smallest ones, measuring what a client sees: write
 * unavailability and lost acknowledged writes. The three clusters run at once on this machine and take
 * turns, run by run. The results replace the "Failover: pgha vs Patroni" section of docs/benchmarks.md
 * (after every run, so that an interrupted benchmark still leaves what it measured) and go to
 * {@code target/bench-failover.md}; {@code bench.until} (an instant) ends the benchmark early.
 */
@Tag("bench")
class FailoverBenchIT {
    static final String COMMAND = "./mvnw -o -pl system-tests verify -Dgroups=bench -Dpgha.excluded.groups=none "
            + "-Dit.test=FailoverBenchIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false";
    private static final int RUNS = Integer.getInteger("bench.runs", 5);
    private static final List<String> SYSTEMS =
            List.of(System.getProperty("bench.systems", "pgha,patroni-defaults,patroni-fast")
                    .split(","));
    /** Patroni's smallest timings as this benchmark runs them (ttl at its minimum of 20 s). */
    private static final PatroniCluster.Timings FAST = new PatroniCluster.Timings(20, 2, 5);

    private static final Duration HEALTHY = Duration.ofSeconds(240);
    private static final Duration SWITCHOVER_SETTLED = Duration.ofSeconds(60);
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Path LOGS = Path.of("target", "failover-bench-logs");
    /** No run starts after this instant ({@code -Dbench.until=2026-11-24T06:50:00Z}): the benchmark ends early. */
    private static final Optional<Instant> UNTIL =
            Optional.ofNullable(System.getProperty("bench.until")).map(Instant::parse);

    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final List<SystemUnderTest> systems = new ArrayList<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private Instant started;
    private Instant finished;
    private String software = "";
    private BenchMachine machine;

    @Test
    void failoverOfPghaAndPatroniAsAClientSeesIt() throws Exception {
        started = Instant.now();
        Workspace.deleteRecursively(LOGS);
        PatroniCluster.ensureInstalled();
        software = software();
        machine = BenchMachine.sampling();
        List<Workspace> workspaces = new ArrayList<>();
        List<BenchedCluster> clusters = new ArrayList<>();
        try {
            for (String system : SYSTEMS) {
                Workspace workspace = Workspace.temporary("bench-" + system.strip());
                workspaces.add(workspace);
                BenchedCluster cluster = create(system.strip(), workspace);
                systems.add(new SystemUnderTest(cluster.label(), cluster.timings()));
                System.out.println("\n===== starting " + cluster.label() + " (" + cluster.timings() + ") =====");
                long since = System.nanoTime();
                try {
                    cluster.start();
                    awaitHealthy(cluster);
                    clusters.add(cluster);
                    System.out.printf("%s healthy after %d s%n", cluster.label(), elapsedSeconds(since));
                } catch (RuntimeException | AssertionError e) {
                    e.printStackTrace();
                    notes.add(cluster.label() + " did not start: " + firstLine(e));
                    close(cluster);
                }
            }
            runInTurn(clusters);
        } finally {
            machine.close();
            finished = Instant.now();
            writeReport();
            for (int i = clusters.size() - 1; i >= 0; i--) {
                close(clusters.get(i));
            }
            workspaces.forEach(Workspace::close);
        }
        summary();
        assertThat(notes).as("what went wrong beyond single runs").isEmpty();
        assertThat(samples).as("runs done").hasSize(SYSTEMS.size() * Scenario.values().length * RUNS);
        assertThat(samples.stream().filter(s -> !s.completed()).toList())
                .as("runs that failed")
                .isEmpty();
    }

    /**
     * Run 1 of scenarios 1, 2, 3 on every system in turn, then run 2, ...: the systems meet the same
     * machine load, and a benchmark cut short by {@code bench.until} has as many runs of each.
     */
    private void runInTurn(List<BenchedCluster> clusters) {
        List<BenchedCluster> healthy = new ArrayList<>(clusters);
        for (int run = 1; run <= RUNS; run++) {
            for (BenchedCluster cluster : List.copyOf(healthy)) {
                if (UNTIL.isPresent() && Instant.now().isAfter(UNTIL.get())) {
                    notes.add("stopped at " + UTC.format(Instant.now()) + ", after bench.until " + UNTIL.get()
                            + ", before run " + run + " of " + cluster.label());
                    return;
                }
                System.out.println("\n===== " + cluster.label() + ", run " + run + " =====");
                for (Scenario scenario : Scenario.values()) {
                    Sample sample = measure(cluster, scenario, run);
                    System.out.println(line(sample));
                    long recovering = System.nanoTime();
                    try {
                        cluster.restartStopped();
                        awaitHealthy(cluster);
                        sample = sample.recovered(Duration.ofNanos(System.nanoTime() - recovering));
                        System.out.printf(
                                "  %s healthy again %d s after the run%n", cluster.label(), elapsedSeconds(recovering));
                    } catch (RuntimeException | AssertionError e) {
                        samples.add(sample);
                        writeReport();
                        notes.add(cluster.label() + " stopped after run " + run + " of scenario " + scenario.number
                                + ": it did not become healthy again (" + firstLine(e) + ")");
                        healthy.remove(cluster);
                        break;
                    }
                    samples.add(sample);
                    writeReport();
                }
            }
        }
    }

    private static void close(BenchedCluster cluster) {
        try {
            cluster.close();
        } catch (RuntimeException e) {
            System.err.println("stopping " + cluster.label() + ": " + e);
            e.printStackTrace();
        }
    }

    private static BenchedCluster create(String system, Workspace workspace) {
        return switch (system) {
            case "pgha" -> new PghaBenchCluster(workspace);
            case "patroni-defaults" -> new PatroniCluster(
                    workspace, "Patroni defaults", "bench-defaults", PatroniCluster.Timings.DEFAULTS);
            case "patroni-fast" -> new PatroniCluster(workspace, "Patroni fast", "bench-fast", FAST);
            default -> throw new IllegalArgumentException(
                    "bench.systems: unknown system " + system + " (pgha, patroni-defaults, patroni-fast)");
        };
    }

    /**
     * One run of {@code scenario}: from a healthy cluster with writes going on, the fault, until writes
     * are acknowledged again; then the acknowledged ids are checked on the primary. (What was killed is
     * started again by the caller.)
     */
    private Sample measure(BenchedCluster cluster, Scenario scenario, int run) {
        String table = "bench_" + cluster.label().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_") + "_s"
                + scenario.number + "_r" + run;
        String old = null;
        Writer writer = null;
        long[] fault = {0};
        try {
            cluster.restartStopped();
            awaitHealthy(cluster);
            old = cluster.leader();
            String primary = old;
            writer = new Writer(
                            Ports.LOOPBACK,
                            cluster.readWritePort(),
                            PostgresNode.SUPERUSER,
                            cluster.superuserPassword(),
                            table)
                    .start(Duration.ofSeconds(30));
            Writer w = writer;
            Wait.until(
                    Duration.ofSeconds(30),
                    "50 writes acknowledged",
                    () -> w.acknowledged().size() >= 50);
            fault[0] = System.nanoTime();
            String outcome;
            switch (scenario) {
                case NODE_LOSS -> cluster.killNode(old);
                case POSTMASTER_KILL -> cluster.killPostmaster(old);
                case SWITCHOVER -> {
                    String candidate = cluster.members().stream()
                            .filter(m -> !m.equals(primary))
                            .findFirst()
                            .orElseThrow();
                    cluster.switchover(old, candidate);
                }
            }
            long done = System.nanoTime();
            Optional<Writer.Outage> outage;
            if (scenario == Scenario.SWITCHOVER) {
                // a switchover may cost no failed insert at all: then 20 acknowledged after it settle it
                Wait.until(
                        SWITCHOVER_SETTLED,
                        "writes acknowledged after the switchover",
                        () -> w.outageSince(fault[0]).isPresent()
                                || (w.failuresAfter(fault[0]).isEmpty() && w.acknowledgedAfter(done) >= 20));
                outage = w.outageSince(fault[0]);
            } else {
                long faulted = fault[0];
                Wait.until(cluster.resumeDeadline(), "writes acknowledged again after they failed", () -> w.outageSince(
                                faulted)
                        .isPresent());
                outage = w.outageSince(fault[0]);
            }
            writer.stop();
            String next = awaitLeader(cluster);
            Set<Long> present = rows(cluster, next, table);
            TreeSet<Long> missing = new TreeSet<>(writer.acknowledged());
            missing.removeAll(present);
            outcome = (next.equals(old) ? "primary stays " + old : old + " -> " + next)
                    + (missing.isEmpty() ? "" : "; lost ids " + abbreviate(missing))
                    + (scenario == Scenario.SWITCHOVER
                            ? "; switchover answered after " + (done - fault[0]) / 1_000_000 + " ms"
                            : "");
            Sample sample = new Sample(
                    cluster.label(),
                    scenario,
                    run,
                    outage.map(Writer.Outage::duration),
                    outage.map(Writer.Outage::failures).orElse(0),
                    writer.acknowledged().size(),
                    missing.size(),
                    outcome,
                    Optional.empty(),
                    Optional.empty());
            return sample;
        } catch (RuntimeException | AssertionError e) {
            System.err.println(cluster.label() + " scenario " + scenario.number + " run " + run + " failed: " + e);
            e.printStackTrace();
            return new Sample(
                    cluster.label(),
                    scenario,
                    run,
                    Optional.empty(),
                    writer == null ? 0 : writer.failures().size(),
                    writer == null ? 0 : writer.acknowledged().size(),
                    0,
                    (old == null ? "" : "primary was " + old)
                            + (writer == null || fault[0] == 0
                                    ? ""
                                    : "; meanwhile "
                                            + writer.failuresAfter(fault[0]).size()
                                            + " inserts failed and " + writer.acknowledgedAfter(fault[0])
                                            + " were acknowledged"),
                    Optional.of(firstLine(e)),
                    Optional.empty());
        } finally {
            if (writer != null) {
                writer.stop();
            }
        }
    }

    // --- observations ---

    /**
     * Waits until one member holds the leader key and runs as primary with two streaming standbys, the
     * two others' WAL receivers stream, and the read-write port reaches the leader.
     */
    static void awaitHealthy(BenchedCluster cluster) {
        String[] last = {""};
        try {
            Wait.until(
                    HEALTHY, cluster.label() + ": one primary streaming to two replicas, read-write port on it", () -> {
                        String leader = cluster.leader();
                        for (String member : cluster.members()) {
                            String url = memberUrl(cluster, member);
                            if (member.equals(leader)) {
                                if (Boolean.TRUE.equals(PostgresNode.queryValue(url, "SELECT pg_is_in_recovery()"))
                                        || ((Number)
                                                                PostgresNode.queryValue(
                                                                        url,
                                                                        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
                                                        .intValue()
                                                != 2) {
                                    last[0] = leader + " (leader) is not a primary with two streaming standbys";
                                    return false;
                                }
                            } else if (!"streaming"
                                    .equals(PostgresNode.queryValue(url, "SELECT status FROM pg_stat_wal_receiver"))) {
                                last[0] = member + " does not stream";
                                return false;
                            }
                        }
                        String rw = PostgresNode.jdbcUrl(Ports.LOOPBACK, cluster.readWritePort()) + "&password="
                                + cluster.superuserPassword();
                        Object port = PostgresNode.queryValue(rw, "SELECT inet_server_port()");
                        if (!(port instanceof Number n) || n.intValue() != cluster.postgresPort(leader)) {
                            last[0] = "the read-write port reaches port " + port + ", not " + leader;
                            return false;
                        }
                        return true;
                    });
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (last seen: " + last[0] + ")", e);
        }
    }

    private static String awaitLeader(BenchedCluster cluster) {
        String[] leader = {null};
        Wait.until(Duration.ofSeconds(30), cluster.label() + ": a leader", () -> {
            leader[0] = cluster.leader();
            return true;
        });
        return leader[0];
    }

    private static Set<Long> rows(BenchedCluster cluster, String member, String table) {
        Set<Long> present = new HashSet<>();
        Wait.until(Duration.ofSeconds(30), "the rows of " + table + " on " + member, () -> {
            present.clear();
            try (Connection c = DriverManager.getConnection(memberUrl(cluster, member));
                    Statement st = c.createStatement();
                    ResultSet rows = st.executeQuery("SELECT id FROM " + table)) {
                while (rows.next()) {
                    present.add(rows.getLong(1));
                }
            }
            return true;
        });
        return present;
    }

    private static String memberUrl(BenchedCluster cluster, String member) {
        return PostgresNode.jdbcUrl(Ports.LOOPBACK, cluster.postgresPort(member)) + "&password="
                + cluster.superuserPassword();
    }

    // --- the machine ---

    private static String software() {
        Function<List<String>, String> firstLine = BenchMachine::firstLine;
        return String.join(
                ", ",
                "Linux " + firstLine.apply(List.of("uname", "-r")),
                "OpenJDK " + System.getProperty("java.version"),
                firstLine.apply(
                        List.of(PostgresNode.binDir().resolve("postgres").toString(), "--version")),
                firstLine
                        .apply(List.of(Commands.require("etcd", "etcd-server").toString(), "--version"))
                        .replace("etcd Version:", "etcd"),
                firstLine
                        .apply(List.of(Haproxy.binary().toString(), "-v"))
                        .replaceAll(" - https://.*", "")
                        .replace("HAProxy version", "HAProxy"),
                PatroniCluster.version());
    }

    // --- the report ---

    private synchronized void writeReport() {
        String section = FailoverBenchReport.render(
                systems, samples, machine.describe(software, started, finished, COMMAND), RUNS, notes);
        BenchMachine.publish("bench-failover.md", FailoverBenchReport.HEADING, section);
    }

    private void summary() {
        System.out.println("\n===== failover: pgha vs Patroni =====");
        for (Scenario scenario : Scenario.values()) {
            for (SystemUnderTest system : systems) {
                FailoverBenchReport.Stats u = FailoverBenchReport.unavailability(samples, system.label(), scenario);
                FailoverBenchReport.Stats l = FailoverBenchReport.lost(samples, system.label(), scenario);
                System.out.printf(
                        Locale.ROOT,
                        "  %s %-18s %-17s runs %d, unavailability median %.1f s max %.1f s, lost median %.1f max %.1f%n",
                        scenario.number,
                        scenario.title,
                        system.label(),
                        u.runs(),
                        u.median() / 1000,
                        u.max() / 1000,
                        l.median(),
                        l.max());
            }
        }
        System.out.println("  report: docs/benchmarks.md (" + FailoverBenchReport.HEADING.substring(3) + ")");
    }

    private static String line(Sample s) {
        return String.format(
                Locale.ROOT,
                "%s, scenario %s (%s), run %d: %s",
                s.system(),
                s.scenario().number,
                s.scenario().title,
                s.run(),
                s.error()
                        .map(e -> "FAILED: " + e)
                        .orElse("write unavailability "
                                + s.unavailability()
                                        .map(d -> d.toMillis() + " ms (" + s.failedWrites() + " failed inserts)")
                                        .orElse("none")
                                + ", " + s.acknowledged() + " acknowledged, " + s.lost() + " lost; " + s.outcome()));
    }

    /** Copies a system's logs to target/failover-bench-logs/&lt;system&gt; before its workspace is deleted. */
    static void keepLogs(String system, Path logDir, Map<String, Path> extra) {
        Path target = LOGS.resolve(system.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        try {
            Files.createDirectories(target);
            if (Files.isDirectory(logDir)) {
                try (Stream<Path> logs = Files.list(logDir)) {
                    for (Path log : logs.toList()) {
                        Files.copy(log, target.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            for (Map.Entry<String, Path> file : extra.entrySet()) {
                if (Files.exists(file.getValue())) {
                    Files.copy(file.getValue(), target.resolve(file.getKey()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.err.println("could not copy the logs of " + system + " to " + target + ": " + e);
        }
    }

    private static String abbreviate(TreeSet<Long> ids) {
        return ids.size() <= 6 ? ids.toString() : ids.first() + ".." + ids.last() + " (" + ids.size() + ")";
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }

    private static long elapsedSeconds(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toSeconds();
    }
}
