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
import java.util.LinkedHashMap;
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
 * with its default timings, at the smallest ttl its documentation allows and at ttl 5, measuring what
 * clients see: a closed-loop {@link Writer} (write unavailability, lost acknowledged writes) and an
 * open-loop {@link OpenLoopWriter} (gap, failed attempts, failures after recovery, latency) at the same
 * time; then the idle {@link Footprint} of every system's service processes. The clusters run at once
 * on this machine and take turns, run by run. The results replace the "Failover: pgha vs Patroni" section of docs/benchmarks.md
 * (after every run, so that an interrupted benchmark still leaves what it measured) and go to
 * {@code target/bench-failover.md}; {@code bench.until} (an instant) ends the benchmark early.
 *
 * <p>{@code pgha} runs secured as {@code ./pgha up} runs it by default (PostgreSQL TLS with verify-full
 * clients, etcd TLS with client certificates, Kafka SASL_SSL); {@code pgha-insecure} runs it as {@code
 * ./pgha up --insecure}. With {@code -Dbench.systems=pgha,pgha-insecure} (both, no Patroni) the results go
 * to the section "Failover with TLS on (issue 21)" of docs/benchmarks.md instead ({@link
 * FailoverBenchReport#TLS_HEADING}), which leaves the Patroni comparison as it is. {@code pgha-no-repository}
 * runs pgha without a backup repository (no WAL archive, no {@code restore_command}), as the Patroni here
 * runs; {@code -Dbench.pgha.repository=none} makes {@code pgha} itself run so.
 */
@Tag("bench")
class FailoverBenchIT {
    static final String COMMAND = "./mvnw -o -pl system-tests verify -Dgroups=bench -Dpgha.excluded.groups=none "
            + "-Dit.test=FailoverBenchIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false";
    private static final int RUNS = Integer.getInteger("bench.runs", 5);
    private static final List<String> SYSTEMS = List.of(
                    System.getProperty("bench.systems", "pgha,patroni-defaults,patroni-fast,patroni-ttl5")
                            .split(","))
            .stream()
            .map(String::strip)
            .toList();
    /** TLS against plaintext: pgha's two variants and no Patroni, reported in their own section. */
    private static final boolean TLS_COMPARISON =
            SYSTEMS.contains("pgha") && SYSTEMS.contains("pgha-insecure") && SYSTEMS.size() == 2;
    /** The scenarios to run ({@code -Dbench.scenarios=3}: the switchover only), by number. */
    private static final List<Scenario> SCENARIOS = scenarios(System.getProperty("bench.scenarios", "1,2,3"));
    /** Patroni's timings with the smallest ttl its documentation allows (20 s). */
    private static final PatroniCluster.Timings FAST = new PatroniCluster.Timings(20, 2, 5);
    /** Patroni at ttl 5 / loop_wait 1 / retry_timeout 2, below its documented minimum (3.0.2 runs it). */
    private static final PatroniCluster.Timings TTL5 = new PatroniCluster.Timings(5, 1, 2);
    /** The idle footprint's window; 0 leaves it out. */
    private static final Duration IDLE = Duration.ofSeconds(Long.getLong("bench.idle.seconds", 30));
    /** Open-loop acknowledgements needed before the fault (2 s of them). */
    private static final int OPEN_LOOP_STEADY = 40;
    /** How long the open loop goes on after the closed loop saw writes resume. */
    private static final Duration OPEN_LOOP_TAIL = Duration.ofSeconds(5);

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
    private final List<Footprint.Usage> footprint = new CopyOnWriteArrayList<>();
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
                belowMinimumNote(system.strip()).ifPresent(notes::add);
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
            idleFootprint(clusters);
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
        assertThat(samples).as("runs done").hasSize(SYSTEMS.size() * SCENARIOS.size() * RUNS);
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
                for (Scenario scenario : SCENARIOS) {
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
            case "pgha-insecure" -> new PghaBenchCluster(workspace, true);
            case "pgha-no-repository" -> new PghaBenchCluster(workspace, false, true);
            case "patroni-defaults" -> new PatroniCluster(
                    workspace, "Patroni defaults", "bench-defaults", PatroniCluster.Timings.DEFAULTS);
            case "patroni-fast" -> new PatroniCluster(workspace, "Patroni fast", "bench-fast", FAST);
            case "patroni-ttl5" -> new PatroniCluster(workspace, "Patroni ttl 5", "bench-ttl5", TTL5);
            default -> throw new IllegalArgumentException("bench.systems: unknown system " + system
                    + " (pgha, pgha-insecure, pgha-no-repository, patroni-defaults, patroni-fast, patroni-ttl5)");
        };
    }

    /** A note when {@code system} runs Patroni below its documented minimum and this Patroni raises such values. */
    private static Optional<String> belowMinimumNote(String system) {
        if (!system.equals("patroni-ttl5") || !PatroniCluster.raisesSmallTimings(PatroniCluster.version())) {
            return Optional.empty();
        }
        return Optional.of("Patroni ttl 5 runs on " + PatroniCluster.version() + ", which raises ttl to 20 and "
                + "retry_timeout to 3 (its documented minimum): its numbers are not those of ttl 5");
    }

    private static List<Scenario> scenarios(String property) {
        List<Scenario> chosen = new ArrayList<>();
        for (String word : property.split(",")) {
            Scenario scenario = Stream.of(Scenario.values())
                    .filter(s -> s.number.equals(word.strip()))
                    .findFirst()
                    .orElseThrow(() ->
                            new IllegalArgumentException("bench.scenarios: unknown scenario " + word + " (1, 2, 3)"));
            if (!chosen.contains(scenario)) {
                chosen.add(scenario);
            }
        }
        chosen.sort(null);
        return List.copyOf(chosen);
    }

    /** Measures the idle footprint of every healthy system's service processes at once. */
    private void idleFootprint(List<BenchedCluster> clusters) {
        if (IDLE.isZero()) {
            return;
        }
        Map<String, Map<String, Long>> pids = new LinkedHashMap<>();
        for (BenchedCluster cluster : clusters) {
            try {
                cluster.restartStopped();
                awaitHealthy(cluster);
                pids.put(cluster.label(), cluster.servicePids());
            } catch (RuntimeException | AssertionError e) {
                notes.add(cluster.label() + ": no idle footprint, it was not healthy (" + firstLine(e) + ")");
            }
        }
        System.out.println("\n===== idle footprint over " + IDLE.toSeconds() + " s =====");
        footprint.addAll(Footprint.measure(pids, IDLE));
        footprint.forEach(u -> System.out.printf(
                Locale.ROOT,
                "  %-17s %-16s %5.1f %% of a core, %4.0f MiB%n",
                u.system(),
                u.process(),
                u.cpuPercent(),
                u.rssMib()));
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
        OpenLoopWriter open = null;
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
                            table,
                            cluster.jdbcParameters())
                    .start(Duration.ofSeconds(30));
            open = new OpenLoopWriter(
                            Ports.LOOPBACK,
                            cluster.readWritePort(),
                            PostgresNode.SUPERUSER,
                            cluster.superuserPassword(),
                            table + "_open",
                            cluster.jdbcParameters())
                    .start(Duration.ofSeconds(30));
            Writer w = writer;
            OpenLoopWriter o = open;
            Wait.until(
                    Duration.ofSeconds(30),
                    "50 writes acknowledged, and " + OPEN_LOOP_STEADY + " open-loop attempts",
                    () -> w.acknowledged().size() >= 50 && o.acknowledged() >= OPEN_LOOP_STEADY);
            fault[0] = System.nanoTime();
            String outcome;
            switch (scenario) {
                case NODE_LOSS -> cluster.killNode(old);
                case POSTMASTER_KILL -> cluster.killPostmaster(old);
                case SWITCHOVER -> {
                    cluster.switchover(old, cluster.switchoverCandidate(primary));
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
            long resumed = System.nanoTime();
            Wait.until(
                    cluster.resumeDeadline(),
                    "an open-loop attempt acknowledged " + OPEN_LOOP_TAIL.toSeconds() + " s after writes resumed",
                    () -> o.lastAckNanos() - resumed >= OPEN_LOOP_TAIL.toNanos());
            OpenLoop.Result openLoop = OpenLoop.analyse(open.stop(), fault[0]);
            String next = awaitLeader(cluster);
            Set<Long> present = rows(cluster, next, table);
            TreeSet<Long> missing = new TreeSet<>(writer.acknowledged());
            missing.removeAll(present);
            outcome = (next.equals(old) ? "primary stays " + old : old + " -> " + next)
                    + (missing.isEmpty() ? "" : "; lost ids " + abbreviate(missing))
                    + (scenario == Scenario.SWITCHOVER
                            ? "; switchover answered after " + (done - fault[0]) / 1_000_000 + " ms"
                            : "")
                    + (openLoop.resumedOn().isEmpty() ? "" : "; open loop resumed on " + openLoop.resumedOn())
                    + (openLoop.failedAfterRecoveryKinds().isEmpty()
                            ? ""
                            : "; failed after recovery: " + OpenLoop.describe(openLoop.failedAfterRecoveryKinds()));
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
                    Optional.empty(),
                    Optional.of(openLoop));
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
                    Optional.empty(),
                    open == null ? Optional.empty() : Optional.of(OpenLoop.analyse(open.stop(), fault[0])));
        } finally {
            if (writer != null) {
                writer.stop();
            }
            if (open != null) {
                open.stop();
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
                        String rw = PostgresNode.jdbcUrl(Ports.LOOPBACK, cluster.readWritePort())
                                + cluster.jdbcParameters() + "&password="
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
        return PostgresNode.jdbcUrl(Ports.LOOPBACK, cluster.postgresPort(member)) + cluster.jdbcParameters()
                + "&password="
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
        String heading = TLS_COMPARISON ? FailoverBenchReport.TLS_HEADING : FailoverBenchReport.HEADING;
        String section = FailoverBenchReport.render(
                heading,
                systems,
                SCENARIOS,
                samples,
                footprint,
                machine.describe(software, started, finished, command()),
                RUNS,
                notes);
        BenchMachine.publish(TLS_COMPARISON ? "bench-failover-tls.md" : "bench-failover.md", heading, section);
    }

    /** {@link #COMMAND} with the {@code bench.*} properties of this run. */
    private static String command() {
        StringBuilder command = new StringBuilder(COMMAND);
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("bench."))
                .sorted()
                .forEach(name -> command.append(" -D").append(name).append('=').append(System.getProperty(name)));
        return command.toString();
    }

    private void summary() {
        System.out.println("\n===== failover: pgha vs Patroni =====");
        for (Scenario scenario : SCENARIOS) {
            for (SystemUnderTest system : systems) {
                FailoverBenchReport.Stats u = FailoverBenchReport.unavailability(samples, system.label(), scenario);
                FailoverBenchReport.Stats l = FailoverBenchReport.lost(samples, system.label(), scenario);
                FailoverBenchReport.Stats g = FailoverBenchReport.gap(samples, system.label(), scenario);
                FailoverBenchReport.Stats f = FailoverBenchReport.failedAttempts(samples, system.label(), scenario);
                FailoverBenchReport.Stats a =
                        FailoverBenchReport.failedAfterRecovery(samples, system.label(), scenario);
                System.out.printf(
                        Locale.ROOT,
                        "  %s %-18s %-17s runs %d, unavailability median %.1f s max %.1f s, lost median %.1f max %.1f; "
                                + "open loop: gap median %.2f s max %.2f s, failed median %.0f, after recovery median %.0f%n",
                        scenario.number,
                        scenario.title,
                        system.label(),
                        u.runs(),
                        u.median() / 1000,
                        u.max() / 1000,
                        l.median(),
                        l.max(),
                        g.median() / 1000,
                        g.max() / 1000,
                        f.median(),
                        a.median());
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
                                                .map(d ->
                                                        d.toMillis() + " ms (" + s.failedWrites() + " failed inserts)")
                                                .orElse("none")
                                        + ", " + s.acknowledged() + " acknowledged, " + s.lost() + " lost; "
                                        + s.outcome())
                        + s.openLoop().map(FailoverBenchIT::openLoopLine).orElse(""));
    }

    private static String openLoopLine(OpenLoop.Result r) {
        return String.format(
                Locale.ROOT,
                "%n    open loop: %d attempts, gap %s, %d failed, %d failed after recovery, latency steady p50 %.0f "
                        + "p99 %.0f max %.0f ms (%d), fault window p50 %.0f p99 %.0f max %.0f ms (%d)",
                r.attempts(),
                r.gap().map(d -> d.toMillis() + " ms").orElse("none (did not resume)"),
                r.failed(),
                r.failedAfterRecovery(),
                r.steady().p50Millis(),
                r.steady().p99Millis(),
                r.steady().maxMillis(),
                r.steady().count(),
                r.fault().p50Millis(),
                r.fault().p99Millis(),
                r.fault().maxMillis(),
                r.fault().count());
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
