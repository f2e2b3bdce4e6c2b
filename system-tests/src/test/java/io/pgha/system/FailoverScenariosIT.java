package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.events.AlertEvent;
import io.pgha.events.EventCodec;
import io.pgha.events.KafkaAcls;
import io.pgha.events.PghaEvent;
import io.pgha.events.Producers;
import io.pgha.events.Topic;
import io.pgha.events.Topics;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import io.pgha.local.cli.LocalCluster;
import io.pgha.local.cli.LocalPorts;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
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
 * Faults against the whole suite as {@code ./pgha up} starts it (here with a 3-member etcd), started
 * once for the class on free ports in a temporary folder: three PostgreSQL nodes with their agents,
 * two coordinators, a health-monitor, config-renderer + HAProxy, Kafka, and alert-service (a normal
 * switchover must never raise PghaTwoPrimaries). During each scenario a
 * {@link Writer} inserts numbered rows through HAProxy's read-write port; each scenario asserts its
 * outcome with a deadline, prints the write unavailability it measured, and leaves one leader with two
 * streaming replicas (the old primary rejoins) for the next. The last scenarios repeat the failovers
 * in synchronous mode and check that no acknowledged row is lost.
 *
 * <p>The logs of every component are copied to {@code target/failover-scenarios-logs} at the end.
 */
@Tag("failover")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverScenariosIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final String CLUSTER = LocalCluster.CLUSTER;
    private static final String API = "/api/v1/clusters/" + CLUSTER;
    /** The dynamic config's ttl (the default). */
    private static final Duration TTL = Duration.ofSeconds(10);
    /** The agent's primary_start_timeout (the default). */
    private static final Duration PRIMARY_START_TIMEOUT = Duration.ofSeconds(10);
    /** The coordinators' election-ttl (the default). */
    private static final Duration ELECTION_TTL = Duration.ofSeconds(5);

    private static final Duration HEALTHY = Duration.ofSeconds(150);
    private static final Duration WRITES_RESUME = TTL.plusSeconds(10);
    private static final List<String> SUMMARY = new ArrayList<>();

    private static LocalCluster cluster;
    private static QuarkusService alertService;
    private static LocalPorts ports;
    private static EtcdClusterStore store;
    private static String password;
    private static Suite suite;
    private static long classStarted;
    private long scenarioStarted;

    @BeforeAll
    static void startTheSuite() {
        classStarted = System.nanoTime();
        Workspace workspace = infra.workspace();
        // closed in reverse order: down first, then the logs are copied, then the workspace goes
        infra.track(() -> Suite.copyLogs(workspace.root(), "failover-scenarios-logs"));
        ports = LocalPorts.free();
        cluster = new LocalCluster(workspace, ports, new PrintStream(System.out, true, StandardCharsets.UTF_8))
                .etcdMembers(3);
        infra.track(() -> cluster.down(false));
        cluster.up();
        password = cluster.superuserPassword();
        // watches the switchovers: a normal one must never raise PghaTwoPrimaries. A short happened-hold
        // makes every switchover fire its own PghaSwitchoverHappened (the proof that it was seen).
        // it logs in to Kafka as the suite's alert-service does (SASL_SSL with its SCRAM user)
        alertService = infra.track(cluster.kafkaClient(
                        QuarkusService.builder(workspace, "alert-service", QuarkusService.moduleJar("alert-service")),
                        Producers.ALERT_SERVICE)
                .properties(java.util.Map.of(
                        "kafka.bootstrap.servers", cluster.kafka().bootstrapServers(),
                        "pgha.alert.name", "scenarios",
                        "pgha.alert.happened-hold", "1s"))
                .start());
        store = EtcdClusterStore.connect(cluster.etcdAccess(), EtcdLayout.of(CLUSTER), Duration.ofSeconds(5));
        infra.track(store);
        suite = new Suite(cluster, store, HEALTHY);
        SUMMARY.add(String.format("suite started in %d s", elapsedSeconds(classStarted)));
    }

    @AfterAll
    static void printSummary() {
        SUMMARY.add(String.format("whole class: %d s", elapsedSeconds(classStarted)));
        System.out.println("\n===== failover scenarios =====");
        SUMMARY.forEach(line -> System.out.println("  " + line));
    }

    /** Whatever an earlier scenario left stopped is started again, and the cluster is healthy. */
    @BeforeEach
    void healthyCluster(TestInfo test) {
        System.out.println("\n===== " + test.getDisplayName() + " =====");
        suite.repairStoppedComponents();
        suite.awaitHealthy();
        scenarioStarted = System.nanoTime();
    }

    // --- the scenarios ---

    @Test
    @Order(1)
    void nodeLossOfThePrimaryFailsOverAndTheOldPrimaryRejoins() throws Exception {
        nodeLoss("1 node loss", false);
    }

    @Test
    @Order(2)
    void aKilledPostmasterIsRestartedOrFailedOverAndWritesResume() throws Exception {
        postmasterKill("2 postmaster kill", false);
    }

    @Test
    @Order(3)
    void aPlannedSwitchoverLosesNoWriteOnceItHasCompleted() throws Exception {
        switchover("3 switchover", false);
    }

    /**
     * A switchover asked for right after another one answered 200 (a maintenance script's way): the
     * candidate, primary a moment ago, is still restarting as a standby and the health monitor last saw
     * it shutting down. Both answers are 200 (before: 409 "already in progress", then 412 "the health
     * monitor cannot reach it", found in the README walk-through).
     */
    @Test
    @Order(4)
    void aSwitchoverRightAfterAnotherOneIsCarriedOutNotRefused() throws Exception {
        String first = suite.leader();
        String second = LocalCluster.members().stream()
                .filter(m -> !m.equals(first))
                .findFirst()
                .orElseThrow();
        for (String[] pair : new String[][] {{first, second}, {second, first}}) {
            long asked = System.nanoTime();
            HttpResponse<String> response = suite.send(
                    LocalCluster.coordinators().get(0),
                    "POST",
                    API + "/switchover",
                    "{\"leader\":\"" + pair[0] + "\",\"candidate\":\"" + pair[1] + "\"}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            System.out.printf(
                    "back-to-back switchover %s -> %s: 200 after %d ms%n",
                    pair[0], pair[1], (System.nanoTime() - asked) / 1_000_000);
            assertThat(suite.leader()).isEqualTo(pair[1]);
        }
    }

    @Test
    @Order(5)
    void theLeadingCoordinatorKilledDuringAFailoverIsReplacedAndTheFailoverHappensOnce() throws Exception {
        String old = suite.leader();
        String leadingCoordinator = suite.status().path("coordinator").asText();
        assertThat(LocalCluster.coordinators()).contains(leadingCoordinator);
        String other = LocalCluster.coordinators().stream()
                .filter(c -> !c.equals(leadingCoordinator))
                .findFirst()
                .orElseThrow();
        int historyBefore = suite.history().size();
        long epochBefore = suite.epoch();
        try (Writer writer = writer("s6_coordinator_kill")) {
            long fault = killNode(old);
            cluster.service(leadingCoordinator).process().kill();
            System.out.println("killed " + old + " (agent and postmaster), then " + leadingCoordinator);

            Writer.Outage outage = writer.awaitOutageSince(fault, WRITES_RESUME.plus(ELECTION_TTL));
            String next = suite.leader();
            assertThat(next).isNotEqualTo(old);
            assertThat(outage.resumedOn()).isEqualTo(next);
            Wait.until(
                    Duration.ofSeconds(10),
                    other + " leads " + CLUSTER,
                    () -> other.equals(suite.status(other).path("coordinator").asText()));
            assertThat(suite.epoch()).isGreaterThan(epochBefore);
            report("6 coordinator killed during failover", outage, "new primary " + next + ", led by " + other);

            cluster.restart(leadingCoordinator);
            cluster.restart(old);
            awaitRejoined(old, next);
            assertThat(suite.history()).as("history rows: exactly one failover").hasSize(historyBefore + 1);
            assertThat(suite.leader()).isEqualTo(next);
        }
    }

    @Test
    @Order(6)
    void withKafkaDownFailoverStillRoutesWritesAndTopologyEventsResumeOnceItIsBack() throws Exception {
        String old = suite.leader();
        try (Writer writer = writer("s7_kafka_down")) {
            cluster.kafka().stop();
            System.out.println("stopped Kafka");
            long fault = killNode(old);
            Writer.Outage outage = writer.awaitOutageSince(fault, WRITES_RESUME);
            assertThat(cluster.kafka().process().isAlive())
                    .as("Kafka still stopped when writes resumed")
                    .isFalse();
            String next = suite.leader();
            long epoch = suite.epoch();
            assertThat(next).isNotEqualTo(old);
            assertThat(outage.resumedOn()).isEqualTo(next);
            report("7 failover with Kafka down", outage, "new primary " + next + " (epoch " + epoch + ")");

            cluster.restart("kafka");
            Wait.until(
                    Duration.ofSeconds(60),
                    "a TopologyChanged naming " + next + " with epoch " + epoch + " on " + Topics.TOPOLOGY.name(),
                    () -> topology().stream().anyMatch(t -> next.equals(t.leader()) && t.epoch() == epoch));
            Wait.until(
                    Duration.ofSeconds(60), "config-renderer applied epoch " + epoch, () -> rendererEpoch() == epoch);
            cluster.restart(old);
            awaitRejoined(old, next);
        }
    }

    @Test
    @Order(7)
    void oneEtcdMemberStoppedChangesNothingForClients() throws Exception {
        long revision = suite.epoch();
        String primary = suite.leader();
        EtcdCluster etcd = cluster.etcd();
        int stopped = suite.etcdLeaderIndex(etcd);
        String component = stopped == 0 ? "etcd" : "etcd-" + stopped;
        try (Writer writer = writer("s8_etcd_member")) {
            Wait.until(
                    Duration.ofSeconds(10),
                    "writes acknowledged",
                    () -> writer.acknowledged().size() >= 20);
            long fault = System.nanoTime();
            etcd.member(stopped).stop();
            System.out.println("stopped etcd member " + etcd.member(stopped).name() + " (the raft leader)");
            // watched for longer than a lease: the leader key keeps its revision, every write goes through
            long window = TTL.plusSeconds(5).toNanos();
            Wait.until(TTL.plusSeconds(30), "ttl + 5 s with a stopped etcd member, writes going on", () -> {
                assertThat(writer.failuresAfter(fault)).as("failed writes").isEmpty();
                assertThat(store.read().leader())
                        .as("the leader key")
                        .hasValueSatisfying(l -> assertThat(l.modRevision()).isEqualTo(revision));
                return System.nanoTime() - fault > window && writer.acknowledgedAfter(fault) > 100;
            });
            cluster.restart(component);
            etcd.member(stopped).awaitHealthy(Duration.ofSeconds(30));
            assertThat(writer.failuresAfter(fault)).as("failed writes").isEmpty();
            assertThat(suite.epoch()).isEqualTo(revision);
            assertThat(suite.leader()).isEqualTo(primary);
            report(
                    "8 etcd member stopped",
                    Optional.empty(),
                    writer.acknowledgedAfter(fault)
                            + " writes acknowledged meanwhile, none failed, leader key revision " + revision
                            + " unchanged");
        }
    }

    @Test
    @Order(8)
    void inSynchronousModeNodeLossLosesNoAcknowledgedRow() throws Exception {
        suite.synchronousMode();
        nodeLoss("5 sync: node loss", true);
    }

    @Test
    @Order(9)
    void inSynchronousModeAKilledPostmasterLosesNoAcknowledgedRow() throws Exception {
        suite.synchronousMode();
        postmasterKill("5 sync: postmaster kill", true);
    }

    @Test
    @Order(10)
    void inSynchronousModeASwitchoverLosesNoAcknowledgedRow() throws Exception {
        suite.synchronousMode();
        switchover("5 sync: switchover", true);
    }

    // --- scenarios 1 to 3, asynchronous or synchronous ---

    private void nodeLoss(String name, boolean sync) throws Exception {
        String old = suite.leader();
        Set<String> promotable = sync ? suite.promotable() : Set.of();
        try (Writer writer = writer(sync ? "s5_sync_node_loss" : "s1_node_loss")) {
            long fault = killNode(old);
            Writer.Outage outage = writer.awaitOutageSince(fault, WRITES_RESUME);
            String next = suite.leader();
            assertThat(next).as("the new leader").isNotEqualTo(old);
            assertThat(outage.resumedOn())
                    .as("the member that acknowledged again")
                    .isEqualTo(next);
            if (sync) {
                assertThat(promotable).as("the promotable set before the fault").contains(next);
            }
            writer.stop();
            String lost = checkAcknowledged(writer, next, sync);
            report(name, outage, "new primary " + next + "; " + lost);
            cluster.restart(old);
            awaitRejoined(old, next);
        }
    }

    private void postmasterKill(String name, boolean sync) throws Exception {
        String old = suite.leader();
        try (Writer writer = writer(sync ? "s5_sync_postmaster" : "s2_postmaster")) {
            long postmaster = cluster.postmasterPid(old);
            long fault = cluster.killPostmaster(old);
            System.out.println("killed the postmaster of " + old + " (pid " + postmaster + ")");
            Writer.Outage outage = writer.awaitOutageSince(fault, WRITES_RESUME.plus(PRIMARY_START_TIMEOUT));
            String next = suite.leader();
            assertThat(outage.resumedOn())
                    .as("the member that acknowledged again")
                    .isEqualTo(next);
            writer.stop();
            String lost = checkAcknowledged(writer, next, sync);
            report(
                    name,
                    outage,
                    (next.equals(old) ? "restarted in place on " + old : "failed over to " + next) + "; " + lost);
            if (!next.equals(old)) {
                awaitRejoined(old, next);
            } else {
                suite.awaitHealthy();
            }
        }
    }

    private void switchover(String name, boolean sync) throws Exception {
        String old = suite.leader();
        String candidate = sync
                ? suite.promotable().iterator().next()
                : LocalCluster.members().stream()
                        .filter(m -> !m.equals(old))
                        .findFirst()
                        .orElseThrow();
        try (Writer writer = writer(sync ? "s5_sync_switchover" : "s3_switchover")) {
            long asked = System.nanoTime();
            Instant askedAt = Instant.now();
            HttpResponse<String> response = suite.send(
                    LocalCluster.coordinators().get(0),
                    "POST",
                    API + "/switchover",
                    "{\"leader\":\"" + old + "\",\"candidate\":\"" + candidate + "\"}");
            long done = System.nanoTime();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            System.out.printf("switchover %s -> %s: 200 after %d ms%n", old, candidate, (done - asked) / 1_000_000);
            assertThat(suite.leader()).isEqualTo(candidate);
            // writes go on through the new primary; none may fail from the 200 on
            Wait.until(
                    Duration.ofSeconds(30),
                    "100 writes acknowledged after the 200",
                    () -> writer.acknowledgedAfter(done) >= 100);
            awaitRejoined(old, candidate);
            long rejoined = System.nanoTime();
            Wait.until(
                    Duration.ofSeconds(10),
                    "a write acknowledged after the old primary rejoined",
                    () -> writer.acknowledgedAfter(rejoined) > 0);
            writer.stop();
            List<Writer.Failure> after = writer.failuresAfter(done);
            after.forEach(f -> System.out.printf(
                    "  failed after the 200: id %d at %s (+%d ms, started %d ms before the 200): %s%n",
                    f.id(),
                    f.failedAt(),
                    (f.failedNanos() - done) / 1_000_000,
                    (done - f.startedNanos()) / 1_000_000,
                    f.error()));
            long startedAfter =
                    after.stream().filter(f -> f.startedNanos() - done > 0).count();
            Optional<Writer.Outage> outage = writer.outageSince(asked);
            String lost = checkAcknowledged(writer, candidate, sync);
            report(
                    name,
                    outage,
                    "200 after " + (done - asked) / 1_000_000 + " ms; " + after.size() + " failed writes after it ("
                            + startedAfter + " started after it); " + lost);
            // Once the switchover has completed no write fails any more, not even one that was already
            // under way when the 200 came (HAProxy retries a connection the stopping old primary
            // refused on the new one: option redispatch).
            assertThat(after)
                    .as("writes that failed after the switchover returned 200")
                    .isEmpty();
            assertNoTwoPrimariesAlert(askedAt);
        }
    }

    // --- faults ---

    /** kill -9 of {@code member}'s agent and postmaster; returns the time of the kill once both are gone. */
    private static long killNode(String member) {
        long postmaster = cluster.postmasterPid(member);
        long at = cluster.killNode(member);
        System.out.println("killed " + member + " (agent and postmaster pid " + postmaster + ")");
        return at;
    }

    // --- observations ---

    private static Writer writer(String table) {
        return new Writer(
                        Ports.LOOPBACK,
                        ports.readWrite(),
                        PostgresNode.SUPERUSER,
                        password,
                        table,
                        cluster.jdbcTlsParameters())
                .startWarm(50);
    }

    /**
     * Compares the writer's acknowledged ids with the rows on {@code primary}; in synchronous mode none
     * may be missing. Returns a line for the report.
     */
    private static String checkAcknowledged(Writer writer, String primary, boolean sync) throws Exception {
        Set<Long> missing = writer.missingAt(suite.memberUrl(primary));
        String line = writer.acknowledged().size() + " acknowledged, " + missing.size() + " missing on " + primary;
        if (sync) {
            assertThat(missing)
                    .as("acknowledged rows missing on the new primary " + primary)
                    .isEmpty();
        }
        return line;
    }

    /** Waits until the cluster is healthy with {@code leader} leading and {@code old} streaming from it. */
    private static void awaitRejoined(String old, String leader) {
        long since = System.nanoTime();
        suite.awaitHealthy();
        assertThat(suite.leader()).isEqualTo(leader);
        System.out.printf("%s rejoined as a streaming replica of %s after %d s%n", old, leader, elapsedSeconds(since));
    }

    private static List<TopologyChanged> topology() {
        return events(Topics.TOPOLOGY, TopologyChanged.class);
    }

    /** Every event of {@code type} on {@code topic}, from its start to its current end. */
    private static <T extends PghaEvent> List<T> events(Topic topic, Class<T> type) {
        EventCodec codec = new EventCodec();
        List<T> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r :
                io.pgha.local.KafkaBroker.readToEnd(cluster.kafka().clientProperties(KafkaAcls.ADMIN), topic.name())) {
            Header ceType = r.headers().lastHeader("ce_type");
            if (ceType != null) {
                PghaEvent event = codec.decode(new String(ceType.value(), StandardCharsets.UTF_8), r.value());
                if (type.isInstance(event)) {
                    events.add(type.cast(event));
                }
            }
        }
        return events;
    }

    /**
     * A normal switchover never raises PghaTwoPrimaries: once alert-service has folded the
     * health-monitor's probes past the moment the old primary rejoined (its REST says how far it has
     * read) and has announced the switchover itself (so it did see it), no PghaTwoPrimaries of this
     * cluster fired since {@code asked} on pgha.alerts.
     */
    private static void assertNoTwoPrimariesAlert(Instant asked) {
        Instant settled = Instant.now();
        Wait.until(
                Duration.ofSeconds(30),
                "alert-service has folded the health-monitor's probes past " + settled,
                () -> lastHealthEventAtAlertService().isAfter(settled));
        Wait.until(
                Duration.ofSeconds(30),
                "alert-service announced PghaSwitchoverHappened for the switchover asked at " + asked,
                () -> events(Topics.ALERTS, AlertEvent.AlertFired.class).stream()
                        .anyMatch(f -> f.cluster().equals(CLUSTER)
                                && f.alert().equals("PghaSwitchoverHappened")
                                && !f.startsAt().isBefore(asked)));
        List<AlertEvent.AlertFired> twoPrimaries = events(Topics.ALERTS, AlertEvent.AlertFired.class).stream()
                .filter(f -> f.cluster().equals(CLUSTER)
                        && f.alert().equals("PghaTwoPrimaries")
                        && !f.occurredAt().isBefore(asked))
                .toList();
        assertThat(twoPrimaries)
                .as("PghaTwoPrimaries alerts after a normal switchover")
                .isEmpty();
    }

    private static Instant lastHealthEventAtAlertService() throws Exception {
        JsonNode body = Json.MAPPER.readTree(
                alertService.get("/api/v1/clusters/" + CLUSTER + "/alerts").body());
        String at = body.path("last_event_at").path("health-monitor").asText("");
        return at.isEmpty() ? Instant.EPOCH : Instant.parse(at);
    }

    private static long rendererEpoch() throws Exception {
        JsonNode body = Json.MAPPER.readTree(
                cluster.service("config-renderer").get("/api/v1/haproxy").body());
        for (JsonNode c : body.path("clusters")) {
            if (CLUSTER.equals(c.path("cluster").asText())) {
                return c.path("epoch").asLong();
            }
        }
        return -1;
    }

    // --- report ---

    private void report(String scenario, Writer.Outage outage, String details) {
        report(scenario, Optional.of(outage), details);
    }

    private void report(String scenario, Optional<Writer.Outage> outage, String details) {
        String line = String.format(
                "%-40s write unavailability %s; %s (scenario %d s)",
                scenario + ":",
                outage.map(o -> o.duration().toMillis() + " ms (" + o.failures() + " failed writes)")
                        .orElse("none"),
                details,
                elapsedSeconds(scenarioStarted));
        System.out.println(line);
        SUMMARY.add(line);
    }

    private static long elapsedSeconds(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toSeconds();
    }
}
