package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.events.Lsn;
import io.pgha.local.EtcdCluster;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one failover-coordinator replica costs per cluster it leads (docs/kubernetes.md, "Capacity"): one
 * coordinator (the built jar, the JVM options of {@code ./pgha up}) against a real etcd and Kafka, with
 * {@code bench.clusters} (default 10,100,300) healthy, idle 3-member clusters whose agents are stood in
 * for by this test: each cluster has its initialize key, a leader key bound to a lease, and three member
 * keys rewritten every second with that lease (what agents do at {@code loop_wait} 1 s, the default). For
 * each size, once the coordinator lists and leads every cluster and a warm-up has passed, the
 * coordinator's CPU ({@code utime + stime} of {@code /proc/<pid>/stat}) and RSS are read over a window.
 * Results go to stdout and {@code system-tests/target/bench-coordinator.md}.
 */
@Tag("bench")
class CoordinatorScaleBenchIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final List<Integer> SIZES = Arrays.stream(
                    System.getProperty("bench.clusters", "10,100,300").split(","))
            .map(String::strip)
            .map(Integer::parseInt)
            .toList();
    private static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup.seconds", 20));
    private static final Duration WINDOW = Duration.ofSeconds(Integer.getInteger("bench.window.seconds", 30));
    private static final String[] MEMBERS = {"m0", "m1", "m2"};
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    @Test
    void coordinatorCpuAndMemoryPerLedCluster() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        KafkaBroker kafka = infra.kafka();
        QuarkusService coordinator = infra.track(QuarkusService.builder(
                        infra.workspace(), "coordinator", QuarkusService.moduleJar("failover-coordinator"))
                .property("pgha.etcd.endpoints", String.join(",", etcd.endpoints()))
                .property("pgha.coordinator.name", "coordinator-0")
                .property("pgha.api.token", "bench-token")
                .property("kafka.bootstrap.servers", kafka.bootstrapServers())
                .start());
        Client client = infra.track(Client.builder()
                .endpoints(etcd.endpoints().toArray(String[]::new))
                .build());
        List<Long> leases = new ArrayList<>();
        ScheduledExecutorService agents = Executors.newSingleThreadScheduledExecutor();
        infra.track(agents::shutdownNow);
        agents.scheduleAtFixedRate(() -> renewAll(client, leases), 1, 1, TimeUnit.SECONDS);

        StringBuilder report = new StringBuilder(
                "\n| clusters led | coordinator CPU, % of a core | per cluster | RSS, MiB | threads | window |\n"
                        + "|---:|---:|---:|---:|---:|---|\n");
        for (int size : SIZES) {
            while (leases.size() < size) {
                long lease = client.getLeaseClient()
                        .grant(10)
                        .get(5, TimeUnit.SECONDS)
                        .getID();
                String cluster = "bench-" + leases.size();
                createCluster(client, EtcdLayout.of(cluster), lease);
                synchronized (leases) {
                    leases.add(lease);
                }
            }
            Wait.until(Duration.ofSeconds(120), "the coordinator leads all " + size + " clusters", () -> {
                JsonNode list =
                        Json.MAPPER.readTree(coordinator.get("/api/v1/clusters").body());
                int led = 0;
                for (JsonNode c : list) {
                    if ("coordinator-0".equals(c.path("coordinator").asText())
                            && "m0".equals(c.path("leader").asText())) {
                        led++;
                    }
                }
                return led == size;
            });
            long warm = System.nanoTime();
            Wait.until(WARMUP.plusSeconds(10), "warm-up", () -> System.nanoTime() - warm >= WARMUP.toNanos());
            long pid = coordinator.process().pid();
            long cpuBefore = cpuTicks(pid);
            long start = System.nanoTime();
            Instant from = Instant.now();
            Wait.until(WINDOW.plusSeconds(10), "window", () -> System.nanoTime() - start >= WINDOW.toNanos());
            double seconds = (System.nanoTime() - start) / 1e9;
            double percent = 100.0 * (cpuTicks(pid) - cpuBefore) / CLOCK_TICKS / seconds;
            String line = String.format(
                    "| %d | %.1f | %.3f | %d | %d | %s, %.0f s, load %s |%n",
                    size,
                    percent,
                    percent / size,
                    status(pid, "VmRSS") / 1024,
                    status(pid, "Threads"),
                    from,
                    seconds,
                    Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            System.out.print(line);
            report.append(line);
            assertThat(coordinator.process().isAlive()).isTrue();
        }
        Path out = QuarkusService.projectRoot().resolve("system-tests/target/bench-coordinator.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println(report);
    }

    /** A bootstrapped, healthy cluster: initialize, leader m0 and three member keys, all on {@code lease}. */
    private static void createCluster(Client client, EtcdLayout layout, long lease) throws Exception {
        put(client, layout.initialize(), "7000000000000000001", 0);
        put(client, layout.leader(), "m0", lease);
        putMembers(client, layout, lease).get(5, TimeUnit.SECONDS);
    }

    /** What the agents do every loop_wait: renew their leases and rewrite their member keys. */
    private static void renewAll(Client client, List<Long> leases) {
        List<Long> copy;
        synchronized (leases) {
            copy = List.copyOf(leases);
        }
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < copy.size(); i++) {
            pending.add(client.getLeaseClient().keepAliveOnce(copy.get(i)));
            pending.add(putMembers(client, EtcdLayout.of("bench-" + i), copy.get(i)));
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("renewal round failed: " + e);
        }
    }

    private static CompletableFuture<?> putMembers(Client client, EtcdLayout layout, long lease) {
        List<CompletableFuture<?>> puts = new ArrayList<>();
        for (int m = 0; m < MEMBERS.length; m++) {
            boolean primary = m == 0;
            Lsn lsn = Lsn.parse("0/3000060");
            MemberStatus status = new MemberStatus(
                    "postgres://127.0.0.1:" + (20000 + m) + "/postgres",
                    "http://127.0.0.1:" + (21000 + m) + "/patroni",
                    primary ? MemberStatus.Role.PRIMARY : MemberStatus.Role.REPLICA,
                    "running",
                    1,
                    primary ? lsn : null,
                    primary ? null : lsn,
                    primary ? null : lsn,
                    Map.of("nofailover", false, "failover_priority", 1, "noloadbalance", false, "nosync", false),
                    null,
                    "0.1.0",
                    null,
                    null);
            puts.add(client.getKVClient()
                    .put(
                            bytes(layout.member(MEMBERS[m])),
                            bytes(Json.write(status)),
                            PutOption.builder().withLeaseId(lease).build()));
        }
        return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new));
    }

    private static void put(Client client, String key, String value, long lease) throws Exception {
        PutOption option = lease == 0
                ? PutOption.DEFAULT
                : PutOption.builder().withLeaseId(lease).build();
        client.getKVClient().put(bytes(key), bytes(value), option).get(5, TimeUnit.SECONDS);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** utime + stime of {@code pid}, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A number field of {@code /proc/<pid>/status} (VmRSS in kB, Threads). */
    private static long status(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith(field + ":"))
                .map(l -> l.replaceAll("[^0-9]", ""))
                .mapToLong(Long::parseLong)
                .findFirst()
                .orElse(-1);
    }
}
