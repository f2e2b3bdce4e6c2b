package io.pgha.monitor.it;

import static io.pgha.monitor.it.MonitoredServers.MONITOR_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.LocalProcess;
import io.pgha.local.Ports;
import io.pgha.local.QuarkusService;
import io.pgha.local.Signal;
import io.pgha.local.Wait;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark: one health-monitor instance probing many members, every member entry pointing at one of
 * three real PostgreSQL servers (clusters of pg-0 primary, pg-1 and pg-2 replicas). For each size it
 * starts a fresh monitor, lets it warm up, then measures over a fixed window the probes per second it
 * really ran, the CPU its process used (from /proc), and the p99 probe latency (from its own
 * histogram, over the window). Several runs per size; the medians are printed as a Markdown table
 * and written to {@code target/bench-health-monitor.md}.
 *
 * <p>Run with {@code ./mvnw -B -pl health-monitor verify -Dpgha.excluded.groups=none -Dgroups=bench}
 * (sizes {@code -Dbench.members=501,1002}, runs {@code -Dbench.runs=3}).
 */
@Tag("bench")
class ProbeBenchIT {
    private static final int[] MEMBERS = Arrays.stream(
                    System.getProperty("bench.members", "501,1002").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim()))
            .toArray();
    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warmup.seconds", 10));
    private static final Duration WINDOW = Duration.ofSeconds(Long.getLong("bench.window.seconds", 20));
    private static final long CLOCK_TICKS = 100;

    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static KafkaBroker kafka;
    private static KafkaTopics topics;
    private static MonitoredServers servers;

    @BeforeAll
    static void start() throws Exception {
        kafka = infra.kafka();
        topics = infra.track(KafkaTopics.create(kafka.bootstrapServers()));
        int maxMembers = Arrays.stream(MEMBERS).max().orElse(0);
        servers = MonitoredServers.start(infra, Map.of("max_connections", Integer.toString(maxMembers / 3 + 60)));
    }

    /** One measured run. */
    record Run(int members, double probesPerSecond, double cpuCores, double p99Ms, double p50Ms, double load) {
        double cpuPer100ProbesPerSecond() {
            return cpuCores / (probesPerSecond / 100.0);
        }

        double membersPerCore() {
            return probesPerSecond / cpuCores;
        }
    }

    @Test
    void oneInstanceProbingManyMembers() throws Exception {
        int published = 0;
        Map<Integer, List<Run>> runs = new TreeMap<>();
        for (int members : MEMBERS) {
            int clusters = members / 3;
            for (; published < clusters; published++) {
                topics.publish(servers.topology("bench-" + published));
            }
            for (int run = 0; run < RUNS; run++) {
                Run result = measure(clusters, run);
                System.out.println("bench run: " + result);
                runs.computeIfAbsent(members, m -> new ArrayList<>()).add(result);
            }
            // The next size adds clusters; a fresh monitor per run starts from the topic anyway.
        }
        String table = table(runs);
        System.out.println(table);
        Files.writeString(Path.of("target", "bench-health-monitor.md"), table);
        for (List<Run> results : runs.values()) {
            assertThat(median(results, Run::membersPerCore)).isPositive();
        }
    }

    private Run measure(int clusters, int run) throws Exception {
        BenchMonitor monitor = BenchMonitor.start(
                "bench-monitor-" + clusters + "-" + run,
                Map.of(
                        "kafka.bootstrap.servers",
                        kafka.bootstrapServers(),
                        "pgha.messaging.instance",
                        "bench",
                        "pgha.health-monitor.password",
                        MONITOR_PASSWORD,
                        "quarkus.log.category.\"io.pgha.monitor\".level",
                        "WARN"));
        try {
            Wait.until(
                    Duration.ofSeconds(60),
                    "the monitor probing " + clusters + " clusters",
                    () -> monitor.get("/api/v1/clusters").body().contains("\"bench-" + (clusters - 1) + "\""));
            window(WARM_UP);
            Scrape before = Scrape.of(monitor.get("/q/metrics").body());
            long sessionsBefore = sessions();
            long cpuBefore = cpuTicks(monitor.process().pid());
            long start = System.nanoTime();
            window(WINDOW);
            long cpuAfter = cpuTicks(monitor.process().pid());
            double seconds = (System.nanoTime() - start) / 1e9;
            String metrics = monitor.get("/q/metrics").body();
            Scrape after = Scrape.of(metrics);
            metrics.lines()
                    .filter(l -> l.startsWith("pgha_probe_logins") || l.startsWith("pgha_probe_connections_dropped"))
                    .forEach(l -> System.out.println("bench counters: " + l));
            long newSessions = sessions() - sessionsBefore;
            System.out.printf(
                    "bench window: outcomes %s -> %s, %d new PostgreSQL sessions (%.1f/s)%n",
                    before.outcomes, after.outcomes, newSessions, newSessions / seconds);
            double probes = after.count - before.count;
            return new Run(
                    clusters * 3,
                    probes / seconds,
                    (cpuAfter - cpuBefore) / (double) CLOCK_TICKS / seconds,
                    after.quantile(before, 0.99) * 1000,
                    after.quantile(before, 0.50) * 1000,
                    loadAverage());
        } finally {
            monitor.stop();
        }
    }

    /**
     * The built monitor in its own JVM with production-like flags (QuarkusService caps the JIT at C1
     * for the local cluster's footprint, which would make this benchmark measure C1 code).
     */
    record BenchMonitor(LocalProcess process, int httpPort) {
        static final List<String> JVM_FLAGS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
        private static final HttpClient HTTP =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        static BenchMonitor start(String name, Map<String, String> properties) {
            int port = Ports.free();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JVM_FLAGS);
            command.add("-Dquarkus.http.host=127.0.0.1");
            command.add("-Dquarkus.http.port=" + port);
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.addAll(List.of("-jar", QuarkusService.ownJar().toString()));
            LocalProcess process = infra.track(LocalProcess.start(
                    name,
                    command,
                    infra.workspace().dir(name),
                    infra.workspace().log(name),
                    Map.of(),
                    false));
            BenchMonitor monitor = new BenchMonitor(process, port);
            Wait.until(
                    Duration.ofSeconds(60),
                    name + " ready",
                    () -> monitor.get("/q/health/ready").statusCode() == 200,
                    process::isAlive);
            return monitor;
        }

        HttpResponse<String> get(String path) throws Exception {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        void stop() {
            process.stop(Signal.TERM, Duration.ofSeconds(15));
        }
    }

    /** A measurement window: the benchmark's clock, not a wait for an outcome. */
    private static void window(Duration length) throws InterruptedException {
        Thread.sleep(length.toMillis());
    }

    /** Sessions ever established on the three servers (PostgreSQL 14+ counts them). */
    private static long sessions() throws Exception {
        long total = 0;
        for (var node : servers.all()) {
            total += ((Number) node.queryValue("SELECT sum(sessions) FROM pg_stat_database")).longValue();
        }
        return total;
    }

    /** The machine's 1-minute load average (other work on it skews latency). */
    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    /** utime + stime of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The probe latency histogram (outcome ok) from one Prometheus scrape. */
    record Scrape(double count, TreeMap<Double, Double> buckets, Map<String, Double> outcomes) {
        private static final Pattern BUCKET =
                Pattern.compile("pgha_probe_latency_seconds_bucket\\{le=\"([^\"]+)\",outcome=\"ok\"} ([0-9.Ee+-]+)");
        private static final Pattern BUCKET_2 =
                Pattern.compile("pgha_probe_latency_seconds_bucket\\{outcome=\"ok\",le=\"([^\"]+)\"} ([0-9.Ee+-]+)");
        private static final Pattern COUNT =
                Pattern.compile("pgha_probe_latency_seconds_count\\{outcome=\"([a-z_]+)\"} ([0-9.Ee+-]+)");

        static Scrape of(String metrics) {
            TreeMap<Double, Double> buckets = new TreeMap<>();
            for (Pattern p : List.of(BUCKET, BUCKET_2)) {
                Matcher m = p.matcher(metrics);
                while (m.find()) {
                    double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
                    buckets.put(le, Double.parseDouble(m.group(2)));
                }
            }
            double count = 0;
            Map<String, Double> outcomes = new TreeMap<>();
            Matcher m = COUNT.matcher(metrics);
            while (m.find()) {
                count += Double.parseDouble(m.group(2));
                outcomes.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            return new Scrape(count, buckets, outcomes);
        }

        /** The upper bound of the bucket holding quantile {@code q} of the probes between {@code before} and this. */
        double quantile(Scrape before, double q) {
            double total = buckets.lastEntry().getValue() - before.buckets.getOrDefault(buckets.lastKey(), 0.0);
            for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
                double inWindow = bucket.getValue() - before.buckets.getOrDefault(bucket.getKey(), 0.0);
                if (inWindow >= q * total) {
                    return bucket.getKey();
                }
            }
            return Double.NaN;
        }
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        double[] values = runs.stream().mapToDouble(value).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static String table(Map<Integer, List<Run>> runs) {
        StringBuilder out = new StringBuilder();
        out.append("| members at 1 s | runs | probes/s (median) | CPU, cores (median) | CPU per 100 probes/s"
                + " | p50 probe latency | p99 probe latency | members at 1 s per core | load average |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        runs.forEach((members, results) -> out.append(String.format(
                "| %d | %d | %.0f | %.3f | %.1f %% of a core | <= %.1f ms | <= %.1f ms | %.0f | %.1f |%n",
                members,
                results.size(),
                median(results, Run::probesPerSecond),
                median(results, Run::cpuCores),
                median(results, Run::cpuPer100ProbesPerSecond) * 100,
                median(results, Run::p50Ms),
                median(results, Run::p99Ms),
                median(results, Run::membersPerCore),
                median(results, Run::load))));
        out.append("\n(").append(Instant.now()).append(")\n");
        return out.toString();
    }
}
