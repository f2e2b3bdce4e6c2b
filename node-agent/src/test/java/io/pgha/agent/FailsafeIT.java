package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pgha.core.DynamicConfig;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Failsafe;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.LeaderKey;
import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.Wait;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Patroni's failsafe mode (issue 19) with real etcd, PostgreSQL and three agents: with {@code
 * failsafe_mode} on, etcd stopped for 3 x ttl does not stop the primary (every replica's agent confirms
 * it over {@code POST /failsafe}), no replica promotes, and once etcd is back the same primary renews its
 * lease as before. Then, etcd stopped again and one replica's agent stopped, the primary no longer hears
 * from every member and demotes within ttl. The test writes {@code /failsafe} itself, as the leading
 * coordinator does (no coordinator runs here). With failsafe_mode off, an etcd outage demotes the
 * primary within ttl, as before.
 */
class FailsafeIT {
    private static final Duration TTL = Duration.ofSeconds(10);
    /** The longest pause between two acknowledged commits the writer may see while failsafe carries the primary. */
    private static final Duration MAX_GAP = Duration.ofSeconds(3);

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void thePrimaryKeepsWritingThroughAnEtcdOutageAndDemotesWhenAMemberStopsAnswering() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        List<Node> nodes = AgentNodes.startAll(infra, List.of("node0", "node1", "node2"), etcd.endpoints());
        try (EtcdClusterStore store = AgentNodes.store(etcd.endpoints());
                Client client = Client.builder()
                        .endpoints(etcd.endpoints().toArray(String[]::new))
                        .build()) {
            Node primary = AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90));
            List<Node> replicas = nodes.stream().filter(n -> n != primary).toList();
            switchFailsafeOn(client, store);
            for (Node n : nodes) {
                Wait.until(
                        Duration.ofSeconds(15),
                        n.name() + " reports failsafe_mode enabled and itself a member of /failsafe",
                        () -> metric(n, "patroni_failsafe_mode_enabled") == 1
                                && metric(n, "patroni_failsafe_member") == 1);
            }
            primary.execute("CREATE TABLE failsafe_writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())");

            try (Writer writer = new Writer(primary)) {
                Wait.until(Duration.ofSeconds(10), "the writer commits", () -> writer.commits.size() > 5);

                // (a) every etcd member stopped for 3 x ttl: the primary keeps accepting writes
                etcd.members().forEach(EtcdCluster.Member::stop);
                long stopped = System.nanoTime();
                Wait.until(TTL, "the primary reports failsafe_mode_is_active", () -> isActive(primary));
                for (Node r : replicas) {
                    Wait.until(TTL, r.name() + " reports failsafe_mode_is_active", () -> isActive(r));
                }
                long outage = TTL.multipliedBy(3).toNanos();
                while (System.nanoTime() - stopped < outage) {
                    for (Node r : replicas) {
                        assertThat(r.query("SELECT pg_is_in_recovery()"))
                                .as(r.name() + " is still a standby during the outage")
                                .isEqualTo(Boolean.TRUE);
                    }
                    assertThat(primary.status("/primary"))
                            .as("/primary during the outage")
                            .isEqualTo(200);
                    assertThat(writer.gapSince(stopped))
                            .as("the longest pause between commits since etcd stopped")
                            .isLessThan(MAX_GAP);
                    Thread.sleep(200); // the poll interval of an observation window, not a wait for an outcome
                }
                long before = writer.commitsSince(stopped);
                System.out.println("FailsafeIT: " + before + " commits during "
                        + TTL.multipliedBy(3).toSeconds() + " s without etcd, longest pause "
                        + writer.gapSince(stopped).toMillis() + " ms");
                assertThat(before).as("commits during the outage").isGreaterThan(30);

                // etcd back: normal renewals resume, the same primary
                etcd.members().forEach(EtcdCluster.Member::start);
                etcd.members().forEach(m -> m.awaitHealthy(Duration.ofSeconds(30)));
                Wait.until(
                        TTL.multipliedBy(2),
                        "the primary renews its lease in etcd again (failsafe no longer active)",
                        () -> !isActive(primary));
                // the test's own etcd client may need a few calls to reconnect (EtcdConnection replaces it)
                Wait.until(Duration.ofSeconds(30), "etcd's leader key still names " + primary.name(), () -> store.read()
                        .leader()
                        .map(LeaderKey::member)
                        .filter(primary.name()::equals)
                        .isPresent());
                assertThat(primary.query("SELECT pg_is_in_recovery()")).isEqualTo(Boolean.FALSE);
                assertThat(writer.gapSince(stopped)).isLessThan(MAX_GAP);
                Wait.until(TTL.multipliedBy(2), "every replica's failsafe window ends", () -> replicas.stream()
                        .noneMatch(FailsafeIT::isActive));

                // (b) etcd stopped again and one replica's agent stopped: the primary demotes within ttl
                etcd.members().forEach(EtcdCluster.Member::stop);
                Wait.until(TTL, "the primary runs on failsafe rounds again", () -> isActive(primary));
                Node lost = replicas.get(0);
                // its agent stops (its shutdown waits for etcd calls that fail): once its REST API no longer
                // answers, the primary's next round fails and it demotes at the last round's start + ttl - margin
                java.util.concurrent.CompletableFuture<Void> stopping = java.util.concurrent.CompletableFuture.runAsync(
                        () -> lost.agent().stop());
                Wait.until(
                        Duration.ofSeconds(60),
                        lost.name() + "'s agent no longer answers",
                        () -> lost.status("/patroni") < 0);
                long lostAt = System.nanoTime();
                Wait.until(TTL, "writes on the primary fail", () -> !writer.committedWithin(Duration.ofMillis(500)));
                Duration fenced = Duration.ofNanos(System.nanoTime() - lostAt);
                System.out.println("FailsafeIT: the primary stopped writing " + fenced.toMillis() + " ms after "
                        + lost.name() + "'s agent stopped answering");
                assertThat(fenced).isLessThan(TTL);
                stopping.get(60, TimeUnit.SECONDS);
                Wait.until(
                        Duration.ofSeconds(30),
                        "the primary restarts read-only",
                        () -> Boolean.TRUE.equals(primary.query("SELECT pg_is_in_recovery()")));
                Node other = replicas.get(1);
                assertThat(other.query("SELECT pg_is_in_recovery()")).isEqualTo(Boolean.TRUE);
            } finally {
                etcd.members().stream().filter(m -> !m.healthy()).forEach(m -> {
                    try {
                        m.start();
                    } catch (IllegalStateException ignored) {
                        // running already
                    }
                });
            }
        } catch (AssertionError | RuntimeException e) {
            AgentNodes.printPostgresLogs(nodes);
            throw e;
        }
    }

    @Test
    void withFailsafeModeOffThePrimaryDemotesWithinTtlOfAnEtcdOutageAsBefore() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        List<Node> nodes = AgentNodes.startAll(infra, List.of("node0", "node1"), etcd.endpoints());
        try (EtcdClusterStore store = AgentNodes.store(etcd.endpoints())) {
            Node primary = AgentNodes.awaitHealthy(nodes, store, Duration.ofSeconds(90));
            Node replica = nodes.stream().filter(n -> n != primary).findFirst().orElseThrow();
            assertThat(store.read()
                            .config()
                            .map(DynamicConfig::fromJson)
                            .orElseThrow()
                            .failsafeMode())
                    .isFalse();
            assertThat(store.read().failsafe())
                    .as("no /failsafe key while the mode is off")
                    .isEmpty();
            primary.execute("CREATE TABLE failsafe_writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())");
            try (Writer writer = new Writer(primary)) {
                Wait.until(Duration.ofSeconds(10), "the writer commits", () -> writer.commits.size() > 5);
                etcd.members().forEach(EtcdCluster.Member::stop);
                long stopped = System.nanoTime();
                Wait.until(TTL, "writes on the primary fail", () -> !writer.committedWithin(Duration.ofMillis(500)));
                System.out.println("FailsafeIT: failsafe_mode off, the primary stopped writing "
                        + Duration.ofNanos(System.nanoTime() - stopped).toMillis() + " ms after etcd stopped");
                assertThat(isActive(primary)).isFalse();
                assertThat(replica.query("SELECT pg_is_in_recovery()")).isEqualTo(Boolean.TRUE);
                Wait.until(
                        Duration.ofSeconds(30),
                        "the primary restarts read-only",
                        () -> Boolean.TRUE.equals(primary.query("SELECT pg_is_in_recovery()")));
            } finally {
                etcd.members().forEach(EtcdCluster.Member::start);
            }
        } catch (AssertionError | RuntimeException e) {
            AgentNodes.printPostgresLogs(nodes);
            throw e;
        }
    }

    /** Turns failsafe_mode on in the dynamic config and writes /failsafe with every member, as the coordinator does. */
    private static void switchFailsafeOn(Client client, EtcdClusterStore store) throws Exception {
        EtcdLayout layout = EtcdLayout.of(AgentNodes.CLUSTER);
        ClusterSnapshot snapshot = store.read();
        DynamicConfig config = snapshot.config().map(DynamicConfig::fromJson).orElse(DynamicConfig.DEFAULTS);
        assertThat(config.ttl()).isEqualTo((int) TTL.toSeconds());
        put(client, layout.config(), config.withFailsafeMode(true).toJson());
        Map<String, String> members = new TreeMap<>();
        snapshot.members().forEach((name, m) -> members.put(name, m.status().apiUrl()));
        put(client, layout.failsafe(), new Failsafe(members).toJson());
    }

    private static void put(Client client, String key, String value) throws Exception {
        client.getKVClient()
                .put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value, StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS);
    }

    private static boolean isActive(Node n) {
        try {
            JsonNode p = n.patroni();
            return p.path("failsafe_mode_is_active").asBoolean(false);
        } catch (Exception e) {
            return false;
        }
    }

    private static long metric(Node n, String name) {
        try {
            for (String line : n.agent().get("/metrics").body().split("\n")) {
                if (line.startsWith(name + "{")) {
                    return Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    /** Inserts a row every 50 ms, each on a new connection with short timeouts; records when each committed. */
    private static final class Writer implements AutoCloseable {
        final List<Long> commits = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Writer(Node primary) {
            String url = primary.jdbcUrl()
                    .replace("socketTimeout=30", "socketTimeout=2")
                    .replace("connectTimeout=3", "connectTimeout=2");
            thread = new Thread(
                    () -> {
                        while (running.get()) {
                            try (var c = DriverManager.getConnection(url);
                                    var st = c.createStatement()) {
                                st.execute("INSERT INTO failsafe_writes DEFAULT VALUES");
                                commits.add(System.nanoTime());
                            } catch (Exception e) {
                                // counted as a gap
                            }
                            try {
                                Thread.sleep(50); // the writer's pace
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "failsafe-writer");
            thread.setDaemon(true);
            thread.start();
        }

        /** The longest time without a commit since {@code from} (up to now). */
        Duration gapSince(long from) {
            long last = from;
            long longest = 0;
            for (long at : commits) {
                if (at - from < 0) {
                    continue;
                }
                longest = Math.max(longest, at - last);
                last = at;
            }
            longest = Math.max(longest, System.nanoTime() - last);
            return Duration.ofNanos(longest);
        }

        long commitsSince(long from) {
            return commits.stream().filter(at -> at - from >= 0).count();
        }

        boolean committedWithin(Duration recent) {
            long now = System.nanoTime();
            return commits.stream().anyMatch(at -> now - at < recent.toNanos());
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(5000);
        }
    }
}
