package io.pgha.alert;

import static io.pgha.alert.AlertRecords.fired;
import static io.pgha.alert.AlertRecords.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.AlertEvent;
import io.pgha.events.AlertEvent.AlertFired;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.events.PghaEvent;
import io.pgha.events.Topics;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.fuzz.HostileRecords;
import io.pgha.local.fuzz.HostileRecords.Hostile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built alert-service against a real Kafka broker, fed as a hostile or faulty health-monitor
 * would feed it: two writable primaries, a member down and back, records that do not parse, and a
 * restart with alerts firing.
 */
class AlertServiceIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final AtomicInteger SENT = new AtomicInteger();

    private static KafkaBroker kafka;
    private static QuarkusService service;
    private static HostileRecords producer;
    private static AlertRecords alerts;

    @BeforeAll
    static void start() {
        kafka = infra.kafka();
        KafkaBroker.createTopics(kafka.bootstrapServers(), Topics.ALL);
        service = infra.service(
                "alert-service",
                QuarkusService.ownJar(),
                Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(), "pgha.alert.name", "it"));
        producer = new HostileRecords(kafka.bootstrapServers());
        alerts = new AlertRecords(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        alerts.close();
        producer.close();
    }

    @Test
    void twoWritablePrimariesInOverlappingObservationsFireWithinTwoSeconds() throws Exception {
        String cluster = "two";
        Instant t = Instant.now();
        publish(primary(cluster, "pg-0", t));
        publish(primary(cluster, "pg-1", t.plusMillis(10))); // the probe windows overlap
        Instant second = Instant.now();

        AlertRecords.Seen seen =
                alerts.await(Duration.ofSeconds(2), cluster, "PghaTwoPrimaries fired", fired("PghaTwoPrimaries"));
        assertThat(Duration.between(second, seen.readAt())).isLessThan(Duration.ofSeconds(2));
        AlertFired alert = (AlertFired) seen.event();
        assertThat(alert.severity()).isEqualTo(AlertEvent.Severity.CRITICAL);
        assertThat(alert.labels())
                .containsEntry("alertname", "PghaTwoPrimaries")
                .containsEntry("cluster", cluster);

        String body = service.get("/api/v1/clusters/" + cluster + "/alerts").body();
        assertThat(body)
                .contains("\"alertname\":\"PghaTwoPrimaries\"", "\"fingerprint\":\"" + alert.fingerprint() + "\"");
        assertThat(service.get("/api/v1/clusters").body()).contains("\"" + cluster + "\"");
    }

    @Test
    void aMemberDownFiresAndResolvesWhenItIsBack() throws Exception {
        String cluster = "down";
        publish(primary(cluster, "pg-0", Instant.now()));
        publish(unreachable(cluster, "pg-1", Instant.now()));

        AlertFired down = (AlertFired)
                alerts.await(Duration.ofSeconds(10), cluster, "PghaMemberDown fired for pg-1", fired("PghaMemberDown"))
                        .event();
        assertThat(down.member()).isEqualTo("pg-1");
        assertThat(service.get("/api/v1/clusters/" + cluster + "/alerts").body())
                .contains(down.fingerprint());

        publish(replica(cluster, "pg-1", Instant.now()));
        AlertEvent.AlertResolved back = (AlertEvent.AlertResolved)
                alerts.await(Duration.ofSeconds(5), cluster, "PghaMemberDown resolved", resolved(down.fingerprint()))
                        .event();
        assertThat(back.startsAt()).isEqualTo(down.startsAt());
        assertThat(service.get("/api/v1/clusters/" + cluster + "/alerts").body())
                .doesNotContain(down.fingerprint());
    }

    @Test
    void malformedRecordsGoToTheirTopicsDeadLetterTopicWithAReasonAndTheServiceCarriesOn() throws Exception {
        String cluster = "dlq";
        NodeHealthObserved valid = replica(cluster, "pg-0", Instant.now());
        List<Hostile> health = new ArrayList<>(HostileRecords.unparseable(valid).subList(0, 3));
        health.add(HostileRecords.of("a newline in the member", replica(cluster, "pg\n0", Instant.now())));
        Hostile foreign = HostileRecords.of("a key that is not the member's", valid);
        health.add(new Hostile(foreign.name(), foreign.topic(), "other/pg-0", foreign.value(), foreign.headers()));
        List<Hostile> topology = HostileRecords.unparseable(new io.pgha.events.TopologyEvent.TopologyChanged(
                        cluster, 1, null, List.of(), List.of(), false, Instant.now()))
                .subList(0, 2);
        producer.send(health);
        producer.send(topology);
        publish(valid);

        HostileRecords.awaitDeadLettered(kafka.bootstrapServers(), "pgha.node-health", health, Duration.ofSeconds(30));
        HostileRecords.awaitDeadLettered(kafka.bootstrapServers(), "pgha.topology", topology, Duration.ofSeconds(30));
        for (ConsumerRecord<String, byte[]> dead : HostileRecords.deadLettered(
                        kafka.bootstrapServers(), "pgha.node-health")
                .values()) {
            assertThat(HostileRecords.header(dead, HostileRecords.REASON)).isNotBlank();
        }
        io.pgha.local.Wait.until(
                Duration.ofSeconds(10),
                "cluster " + cluster + " listed after the bad records",
                () -> service.get("/api/v1/clusters").body().contains("\"" + cluster + "\""));
        assertThat(service.get("/q/metrics").body())
                .containsPattern("pgha_alert_dead_lettered_total\\{.*topic=\"pgha.node-health\".*} [1-9]")
                .containsPattern("pgha_alert_dead_lettered_total\\{.*topic=\"pgha.topology\".*} [1-9]");
        assertThat(service.get("/q/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void aRestartReannouncesWhatStillFiresWithTheSameFingerprintAndStartAndResolvesWhatStoppedMeanwhile()
            throws Exception {
        String cluster = "restart";
        publish(primary(cluster, "pg-0", Instant.now()));
        publish(unreachable(cluster, "pg-1", Instant.now()));
        publish(unreachable(cluster, "pg-2", Instant.now()));
        AlertFired still = awaitDown(cluster, "pg-1");
        AlertFired stops = awaitDown(cluster, "pg-2");

        service.stop();
        publish(replica(cluster, "pg-2", Instant.now())); // pg-2 comes back while nobody watches
        Instant restarted = Instant.now();
        service.start();

        AlertFired again = (AlertFired) alerts.await(
                        Duration.ofSeconds(10),
                        cluster,
                        "pg-1's alert re-announced after the restart",
                        e -> e instanceof AlertFired f
                                && f.fingerprint().equals(still.fingerprint())
                                && f.occurredAt().isAfter(restarted))
                .event();
        assertThat(again.startsAt()).isEqualTo(still.startsAt());
        AlertEvent.AlertResolved resolved = (AlertEvent.AlertResolved)
                alerts.await(Duration.ofSeconds(10), cluster, "pg-2's alert resolved", resolved(stops.fingerprint()))
                        .event();
        assertThat(resolved.endsAt()).isAfter(restarted);
        assertThat(resolved.startsAt()).isEqualTo(stops.startsAt());
        String body = service.get("/api/v1/clusters/" + cluster + "/alerts").body();
        assertThat(body).contains(still.fingerprint(), "\"starts_at\":\"" + still.startsAt() + "\"");
        assertThat(body).doesNotContain(stops.fingerprint());
    }

    @Test
    void anUnknownClusterIs404AndABadNameIs400WithAReason() throws Exception {
        var unknown = service.get("/api/v1/clusters/nosuchcluster/alerts");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no events of cluster 'nosuchcluster' seen");
        var bad = service.get("/api/v1/clusters/bad%0Aname/alerts");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("cluster name").contains("invalid");
    }

    private static AlertFired awaitDown(String cluster, String member) {
        return (AlertFired) alerts.await(
                        Duration.ofSeconds(10),
                        cluster,
                        "PghaMemberDown fired for " + member,
                        e -> fired("PghaMemberDown").test(e) && member.equals(e.member()))
                .event();
    }

    private static void publish(PghaEvent event) {
        producer.send(List.of(HostileRecords.of("event " + SENT.incrementAndGet(), event)));
    }

    private static NodeHealthObserved primary(String cluster, String member, Instant at) {
        return probe(cluster, member, at, NodeRole.PRIMARY);
    }

    private static NodeHealthObserved replica(String cluster, String member, Instant at) {
        return probe(cluster, member, at, NodeRole.REPLICA);
    }

    private static NodeHealthObserved probe(String cluster, String member, Instant at, NodeRole role) {
        return new NodeHealthObserved(
                cluster,
                member,
                "faulty-monitor",
                at,
                true,
                null,
                null,
                role,
                1,
                null,
                null,
                null,
                0L,
                0.0,
                50,
                5,
                100);
    }

    private static NodeHealthObserved unreachable(String cluster, String member, Instant at) {
        return new NodeHealthObserved(
                cluster,
                member,
                "faulty-monitor",
                at,
                false,
                ErrorClass.CONNECTION_REFUSED,
                "connection refused",
                NodeRole.UNKNOWN,
                null,
                null,
                null,
                null,
                null,
                null,
                5,
                null,
                null);
    }
}
