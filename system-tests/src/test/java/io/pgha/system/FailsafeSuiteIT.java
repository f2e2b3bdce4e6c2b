package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.LeaderKey;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.NetworkNamespace;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import io.pgha.local.cli.LocalCluster;
import io.pgha.local.cli.LocalPorts;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failsafe mode (issue 19, Patroni's {@code failsafe_mode}) over the whole local suite with a 3-member
 * etcd and real coordinators (two), each node in its own network namespace, synchronous mode on, a writer
 * through HAProxy: the leading coordinator keeps {@code /failsafe} equal to the member keys; the whole
 * etcd cluster stopped for 3 x ttl does not stop writes and nobody fails over; a primary cut off from
 * etcd while etcd and the coordinators run keeps writing on failsafe rounds while the coordinator holds
 * the failover, then, once it reaches etcd again, finds its lease expired, demotes, and the coordinator
 * fails over. At every sample no two members accept writes, and no acknowledged row is lost.
 */
@Tag("failover")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailsafeSuiteIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final String CLUSTER = LocalCluster.CLUSTER;
    /** The dynamic config's ttl (the default). */
    private static final Duration TTL = Duration.ofSeconds(10);
    /** The longest pause between two acknowledged writes allowed while failsafe carries the primary. */
    private static final Duration MAX_GAP = Duration.ofSeconds(5);

    private static LocalCluster cluster;
    private static LocalPorts ports;
    private static EtcdClusterStore store;
    private static Suite suite;

    @BeforeAll
    static void startTheSuite() {
        Workspace workspace = infra.workspace();
        infra.track(() -> Suite.copyLogs(workspace.root(), "failsafe-logs"));
        ports = LocalPorts.free();
        cluster = new LocalCluster(workspace, ports, new PrintStream(System.out, true, StandardCharsets.UTF_8))
                .etcdMembers(3)
                .nodesInNamespaces();
        infra.track(() -> cluster.down(false));
        cluster.up();
        store = EtcdClusterStore.connect(cluster.etcdAccess(), EtcdLayout.of(CLUSTER), Duration.ofSeconds(5));
        infra.track(store);
        suite = new Suite(cluster, store, Duration.ofSeconds(150));
    }

    @BeforeEach
    void syncModeWithFailsafe(TestInfo test) throws Exception {
        System.out.println("\n===== " + test.getDisplayName() + " =====");
        suite.repairStoppedComponents();
        suite.awaitHealthy();
        suite.synchronousMode();
        suite.patchConfig("{\"failsafe_mode\":true}");
        // (a) the leading coordinator's upkeep: /failsafe names every member with its api_url
        Wait.until(Duration.ofSeconds(30), "/failsafe names every member with its agent's api_url", () -> {
            ClusterSnapshot s = store.read();
            Map<String, String> wanted = new TreeMap<>();
            s.members().forEach((name, m) -> wanted.put(name, m.status().apiUrl()));
            return wanted.keySet().equals(Set.copyOf(LocalCluster.members()))
                    && s.failsafeMembers().map(f -> f.members().equals(wanted)).orElse(false);
        });
        for (String member : LocalCluster.members()) {
            Wait.until(
                    Duration.ofSeconds(30),
                    member + " reports failsafe_mode on (patroni_failsafe_mode_enabled 1)",
                    () -> metric(member, "patroni_failsafe_mode_enabled") == 1);
        }
    }

    @Test
    @Order(1)
    void theWholeEtcdClusterStoppedForThreeTtlsStopsNeitherWritesNorKeepsTheSameLeader() throws Exception {
        String leader = suite.leader();
        long epoch = suite.epoch();
        int historyRows = suite.history().size();
        EtcdCluster etcd = cluster.etcd();
        try (PrimarySampler sampler = new PrimarySampler();
                Writer writer = writer("failsafe_etcd_down")) {
            long stopped = System.nanoTime();
            etcd.members().forEach(EtcdCluster.Member::stop);
            System.out.println("stopped all " + etcd.members().size() + " etcd members");
            try {
                for (String member : LocalCluster.members()) {
                    Wait.until(TTL, member + " reports failsafe_mode_is_active", () -> failsafeActive(member));
                }
                long outage = TTL.multipliedBy(3).toNanos();
                Wait.until(Duration.ofNanos(outage).plusSeconds(5), "3 x ttl without etcd", () -> {
                    assertThat(writer.longestGapSince(stopped))
                            .as("the longest pause between acknowledged writes since etcd stopped")
                            .isLessThan(MAX_GAP);
                    assertThat(sampler.violations())
                            .as("samples with two writable members")
                            .isEmpty();
                    return System.nanoTime() - stopped > outage;
                });
                assertThat(sampler.writable())
                        .as("the only member that accepted writes during the outage")
                        .containsOnly(leader);
                long during = writer.acknowledgedAfter(stopped);
                System.out.printf(
                        "failsafe: %d writes acknowledged during %d s without etcd, longest pause %d ms%n",
                        during,
                        TTL.multipliedBy(3).toSeconds(),
                        writer.longestGapSince(stopped).toMillis());
                assertThat(during).as("writes acknowledged during the outage").isGreaterThan(100);
            } finally {
                etcd.members().forEach(EtcdCluster.Member::start);
            }
            etcd.members().forEach(m -> m.awaitHealthy(Duration.ofSeconds(30)));
            long back = System.nanoTime();
            Wait.until(Duration.ofSeconds(30), "the leader key still names " + leader, () -> store.read()
                    .leader()
                    .map(LeaderKey::member)
                    .filter(leader::equals)
                    .isPresent());
            Wait.until(TTL.multipliedBy(3), "every member's failsafe window ends", () -> LocalCluster.members().stream()
                    .noneMatch(FailsafeSuiteIT::failsafeActive));
            System.out.printf(
                    "failsafe: all agents off failsafe %d ms after etcd was healthy again%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
            assertThat(suite.epoch())
                    .as("the leader key's revision (the epoch)")
                    .isEqualTo(epoch);
            assertThat(suite.history()).as("the failover history").hasSize(historyRows);
            assertThat(writer.longestGapSince(stopped)).isLessThan(MAX_GAP);
            writer.stop();
            assertThat(sampler.violations())
                    .as("samples with two writable members")
                    .isEmpty();
            assertEveryAcknowledgedRowOn(writer, leader);
        }
        suite.awaitHealthy();
    }

    @Test
    @Order(2)
    void aPrimaryCutOffFromEtcdWritesOnWhileTheCoordinatorHoldsThenDemotesAndIsFailedOver() throws Exception {
        String old = suite.leader();
        long epoch = suite.epoch();
        Set<String> promotable = suite.promotable();
        NetworkNamespace ns = cluster.namespace(old);
        String etcdAddress = cluster.bridge().serviceAddress();
        try (PrimarySampler sampler = new PrimarySampler();
                Writer routed = writer("failsafe_cut_routed");
                Writer direct = directWriter(old, "failsafe_cut_direct")) {
            long cut = System.nanoTime();
            ns.block(etcdAddress);
            System.out.println("cut " + old + " off from etcd (" + etcdAddress + ")");
            long healed;
            try {
                Wait.until(TTL.multipliedBy(2), old + " runs on failsafe rounds", () -> failsafeActive(old));
                Wait.until(
                        TTL.plusSeconds(10),
                        "the lease of " + old + " expires (its leader key is gone)",
                        () -> store.read().leader().isEmpty());
                long keyGone = System.nanoTime();
                System.out.printf(
                        "failsafe: the leader key of %s gone %d ms after the cut%n",
                        old, TimeUnit.NANOSECONDS.toMillis(keyGone - cut));
                // the coordinator holds the failover while the replicas confirm the old primary
                String[] reason = {""};
                Wait.until(Duration.ofSeconds(30), "the coordinator reports its failover held by failsafe", () -> {
                    reason[0] =
                            suite.status().path("last_failover").path("outcome").asText();
                    return reason[0].contains("is alive: failsafe");
                });
                System.out.println("failsafe: the coordinator's last failover outcome: " + reason[0]);
                long hold = TTL.multipliedBy(2).toNanos();
                Wait.until(Duration.ofNanos(hold).plusSeconds(5), "2 x ttl without a leader key", () -> {
                    ClusterSnapshot s = store.read();
                    assertThat(s.leader())
                            .as("the leader key while " + old + " is cut off")
                            .isEmpty();
                    assertThat(s.failsafeMembers()
                                    .map(f -> f.members().keySet())
                                    .orElse(Set.of()))
                            .as("/failsafe keeps the lost leader")
                            .contains(old);
                    assertThat(sampler.violations())
                            .as("samples with two writable members")
                            .isEmpty();
                    assertThat(direct.longestGapSince(cut))
                            .as("the longest pause between writes acknowledged by " + old + " since the cut")
                            .isLessThan(MAX_GAP);
                    // the coordinator keeps the last topology while it holds (FailsafeGate.keepsRouting):
                    // HAProxy goes on routing to the primary its checks find, as Patroni's does
                    assertThat(routed.longestGapSince(cut))
                            .as("the longest pause between writes through HAProxy since the cut")
                            .isLessThan(MAX_GAP);
                    return System.nanoTime() - keyGone > hold;
                });
                assertThat(sampler.writable())
                        .as("members that accepted writes")
                        .containsOnly(old);
                System.out.printf(
                        "failsafe: %s acknowledged %d direct writes, %d through HAProxy during %d s cut off%n",
                        old,
                        direct.acknowledgedAfter(cut),
                        routed.acknowledgedAfter(cut),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - cut));
            } finally {
                ns.unblock(etcdAddress);
                healed = System.nanoTime();
            }
            System.out.println("reconnected " + old + " to etcd");
            Wait.until(
                    Duration.ofSeconds(30),
                    old + " finds its lease expired and restarts read-only",
                    () -> Boolean.TRUE.equals(queryOrNull(old, "SELECT pg_is_in_recovery()")));
            System.out.printf(
                    "failsafe: %s read-only %d ms after it reached etcd again%n",
                    old, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed));
            Wait.until(TTL.multipliedBy(4), "the coordinator fails over to another member", () -> store.read()
                    .leader()
                    .map(LeaderKey::member)
                    .filter(m -> !m.equals(old))
                    .isPresent());
            String next = suite.leader();
            System.out.printf(
                    "failsafe: %s leader %d ms after %s reached etcd again%n",
                    next, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed), old);
            assertThat(promotable).as("the promotable set before the cut").contains(next);
            assertThat(suite.epoch()).isGreaterThan(epoch);
            Writer.Outage outage = routed.awaitOutageSince(cut, Duration.ofSeconds(60));
            System.out.printf(
                    "failsafe: writes through HAProxy failed for %d ms (from the demotion), resumed on %s%n",
                    outage.duration().toMillis(), outage.resumedOn());
            Wait.until(Duration.ofSeconds(30), "writes through HAProxy on " + next, () -> routed.lastMember()
                    .filter(next::equals)
                    .isPresent());
            routed.stop();
            direct.stop();
            // a round asks every member with a TLS login each; one begun before the promotion may not have
            // asked the new primary yet, so wait for a whole round begun after writes reached it
            sampler.awaitWholeRound(Duration.ofSeconds(30));
            assertThat(sampler.violations())
                    .as("samples with two writable members")
                    .isEmpty();
            assertThat(sampler.writable()).as("members that accepted writes").containsOnly(old, next);
            assertEveryAcknowledgedRowOn(routed, next);
            assertEveryAcknowledgedRowOn(direct, next);
        }
        suite.awaitHealthy();
    }

    // --- observations ---

    /**
     * Asks every member {@code pg_is_in_recovery()} every 100 ms on its own thread; a round in which two
     * members answer false is a violation. Which members ever answered false is {@link #writable}.
     */
    private static final class PrimarySampler implements AutoCloseable {
        private final List<String> violations = new CopyOnWriteArrayList<>();
        private final Set<String> writable = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final AtomicLong rounds = new AtomicLong();
        private volatile boolean stop;
        private final Thread thread = new Thread(this::sample, "primary-sampler");

        PrimarySampler() {
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            while (!stop) {
                List<String> round = new ArrayList<>();
                for (String member : LocalCluster.members()) {
                    if (Boolean.FALSE.equals(queryOrNull(member, "SELECT pg_is_in_recovery()"))) {
                        round.add(member);
                    }
                }
                writable.addAll(round);
                if (round.size() > 1) {
                    violations.add(java.time.Instant.now() + " " + round);
                }
                rounds.incrementAndGet();
                try {
                    Thread.sleep(100); // the sampling pace
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Waits until a round that began after this call has asked every member. */
        void awaitWholeRound(Duration timeout) {
            long done = rounds.get();
            Wait.until(timeout, "a whole sampling round begun now", () -> rounds.get() >= done + 2);
        }

        List<String> violations() {
            return List.copyOf(violations);
        }

        Set<String> writable() {
            return new TreeSet<>(writable);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }

    /** The value of {@code sql} on {@code member} with short timeouts, or null when it does not answer. */
    private static Object queryOrNull(String member, String sql) {
        String url = suite.memberUrl(member)
                .replace("connectTimeout=3", "connectTimeout=1")
                .replace("socketTimeout=30", "socketTimeout=2");
        try {
            return PostgresNode.queryValue(url, sql);
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean failsafeActive(String member) {
        try {
            var response = cluster.service(member).get("/patroni");
            JsonNode body = Json.MAPPER.readTree(response.body());
            return body.path("failsafe_mode_is_active").asBoolean(false);
        } catch (Exception e) {
            return false;
        }
    }

    private static long metric(String member, String name) {
        try {
            for (String line : cluster.service(member).get("/metrics").body().split("\n")) {
                if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                    return Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    private static Writer writer(String table) {
        return new Writer(
                        Ports.LOOPBACK,
                        ports.readWrite(),
                        PostgresNode.SUPERUSER,
                        suite.password(),
                        table,
                        cluster.jdbcTlsParameters())
                .startWarm(50);
    }

    /** A writer straight to {@code member}'s PostgreSQL (not through HAProxy). */
    private static Writer directWriter(String member, String table) {
        int index = LocalCluster.members().indexOf(member);
        return new Writer(
                        cluster.host(member),
                        ports.postgres(index),
                        PostgresNode.SUPERUSER,
                        suite.password(),
                        table,
                        cluster.jdbcTlsParameters())
                .startWarm(50);
    }

    private static void assertEveryAcknowledgedRowOn(Writer writer, String primary) throws Exception {
        Set<Long> missing = writer.missingAt(suite.memberUrl(primary));
        System.out.println(writer.table() + ": " + writer.acknowledged().size() + " acknowledged, " + missing.size()
                + " missing on " + primary);
        assertThat(missing)
                .as("acknowledged rows of " + writer.table() + " missing on " + primary)
                .isEmpty();
    }
}
