package io.pgha.alert.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import io.pgha.alert.rules.AlertName;
import io.pgha.events.AlertEvent.Severity;
import io.pgha.local.Alertmanager;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.Wait;
import io.pgha.local.WebhookRecorder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Delivery against a real Alertmanager (Debian's prometheus-alertmanager) and a real outbox folder.
 * The sink is built directly here and driven only through {@link AlertSink}; an IT through the running
 * service can replace {@link #sink} without changing the assertions.
 */
class AlertmanagerDeliveryIT {
    private static final Duration VISIBLE = Duration.ofSeconds(5);

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void aFiredAlertIsInAlertmanagerWithinFiveSecondsAndGoneOnceResolved() throws Exception {
        Alertmanager am = infra.alertmanager(Alertmanager.QUIET_CONFIG);
        WebhookRecorder hook = infra.track(WebhookRecorder.start());
        Delivery d = sink(outbox("a"), am, URI.create(hook.url("hook")));
        Alert alert = alert("pg-a", "first");

        d.sink.changed(List.of(new AlertChange.Fired(alert)), Instant.now());
        Wait.until(
                VISIBLE,
                "the alert in Alertmanager",
                () -> am.alerts(member(alert)).size() == 1);
        Alertmanager.Alert shown = am.alerts(member(alert)).get(0);
        assertThat(shown.labels()).isEqualTo(alert.labels());
        assertThat(shown.annotations()).isEqualTo(alert.annotations());
        assertThat(shown.state()).isEqualTo("active");
        assertThat(shown.startsAt()).isEqualTo(alert.startsAt());
        assertThat(shown.endsAt()).isAfter(Instant.now().plusSeconds(60)); // the firing lease, not "now"
        assertThat(shown.generatorUrl()).isEqualTo("http://127.0.0.1:8094/api/v1/clusters/c1/alerts");
        Wait.until(VISIBLE, "the firing notification at the webhook", () -> statuses(hook, alert)
                .equals(List.of("firing")));

        d.sink.changed(List.of(new AlertChange.Resolved(alert, Instant.now())), Instant.now());
        Wait.until(VISIBLE, "the alert resolved (no longer listed)", () -> am.alerts(member(alert))
                .isEmpty());
        Wait.until(VISIBLE, "the resolved notification at the webhook", () -> statuses(hook, alert)
                .equals(List.of("firing", "resolved")));
        Wait.until(VISIBLE, "the outbox emptied", () -> files(d.outbox).isEmpty());
    }

    @Test
    void alertsFiredWhileAlertmanagerIsDownAreDeliveredWhenItReturns() throws Exception {
        Alertmanager am = infra.alertmanager(Alertmanager.QUIET_CONFIG);
        am.stop();
        Delivery d = sink(outbox("b"), am);
        List<Alert> alerts = List.of(alert("pg-b1", "x"), alert("pg-b2", "x"), alert("pg-b3", "x"));

        d.sink.changed(alerts.stream().<AlertChange>map(AlertChange.Fired::new).toList(), Instant.now());
        Wait.until(VISIBLE, "two failed attempts (back-off)", () -> failedAttempts(d) >= 2);
        assertThat(files(d.outbox)).hasSize(3);

        am.start();
        for (Alert alert : alerts) {
            Wait.until(
                    VISIBLE,
                    alert.member() + " delivered after Alertmanager returned",
                    () -> am.alerts(member(alert)).size() == 1);
        }
        Wait.until(VISIBLE, "the outbox emptied", () -> files(d.outbox).isEmpty());
    }

    @Test
    void aNewSinkOnTheSameOutboxDeliversWhatTheStoppedOneCouldNotExactlyOnce() throws Exception {
        Alertmanager am = infra.alertmanager(Alertmanager.QUIET_CONFIG);
        am.stop();
        int hookPort = Ports.free(); // nobody listens yet
        Path outbox = outbox("c");
        Alert alert = alert("pg-c", "restart");
        URI hookUrl = URI.create("http://127.0.0.1:" + hookPort + "/hook");

        Delivery first = sink(outbox, am, hookUrl);
        first.sink.changed(List.of(new AlertChange.Fired(alert)), Instant.now());
        Wait.until(VISIBLE, "a failed attempt", () -> failedAttempts(first) >= 1);
        first.sink.close();
        assertThat(files(outbox)).hasSize(2); // one per receiver

        am.start();
        WebhookRecorder hook = infra.track(WebhookRecorder.start(hookPort));
        Delivery second = sink(outbox, am, hookUrl);
        Wait.until(
                VISIBLE,
                "delivered by the new instance",
                () -> am.alerts(member(alert)).size() == 1
                        && statuses(hook, alert).size() == 1);
        Wait.until(VISIBLE, "the outbox emptied", () -> files(outbox).isEmpty());
        second.sink.close(); // nothing can be sent after this

        assertThat(am.alerts(member(alert))).hasSize(1);
        assertThat(statuses(hook, alert)).containsExactly("firing");
    }

    @Test
    void aSilenceCreatedThroughAlertmanagersApiSuppressesTheNotificationOfAMatchingAlert() {
        WebhookRecorder notified = infra.track(WebhookRecorder.start());
        Alertmanager am = infra.alertmanager(
                """
                route:
                  receiver: hook
                  group_by: ['alertname', 'member']
                  group_wait: 200ms
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                        send_resolved: false
                """
                        .formatted(notified.url("am")));
        Alert silenced = alert("pg-quiet", "d");
        Alert loud = alert("pg-loud", "d");
        String silence = am.createSilence(Map.of("cluster", "c1", "member", "pg-quiet"), Duration.ofHours(1));
        Delivery d = sink(outbox("d"), am);

        d.sink.changed(List.of(new AlertChange.Fired(silenced), new AlertChange.Fired(loud)), Instant.now());
        Wait.until(Duration.ofSeconds(10), "Alertmanager notified the unsilenced alert", () -> notifiedMembers(notified)
                .contains("pg-loud"));
        // a group made after both: once it is notified, the silenced group had its turn long before
        d.sink.changed(List.of(new AlertChange.Fired(alert("pg-later", "d"))), Instant.now());
        Wait.until(Duration.ofSeconds(10), "Alertmanager notified a later alert", () -> notifiedMembers(notified)
                .contains("pg-later"));
        assertThat(notifiedMembers(notified)).containsExactlyInAnyOrder("pg-loud", "pg-later");
        Alertmanager.Alert shown = am.alerts(member(silenced)).get(0);
        assertThat(shown.state()).isEqualTo("suppressed");
        assertThat(shown.silencedBy()).containsExactly(silence);
        assertThat(am.alerts(member(loud)).get(0).state()).isEqualTo("active");
    }

    @Test
    void twoReplicasPostingTheSameAlertMakeOneAlertInAlertmanager() {
        Alertmanager am = infra.alertmanager(Alertmanager.QUIET_CONFIG);
        Delivery one = sink(outbox("e1"), am);
        Delivery two = sink(outbox("e2"), am);
        Alert seenByOne = alert("pg-e", "seen by replica one");
        Alert seenByTwo = alert("pg-e", "seen by replica two"); // same labels, other text

        one.sink.changed(List.of(new AlertChange.Fired(seenByOne)), Instant.now());
        two.sink.changed(List.of(new AlertChange.Fired(seenByTwo)), Instant.now());
        Wait.until(VISIBLE, "both replicas delivered", () -> delivered(one) >= 1 && delivered(two) >= 1);

        assertThat(am.alerts(member(seenByOne))).hasSize(1);
        assertThat(seenByOne.fingerprint()).isEqualTo(seenByTwo.fingerprint());
    }

    // --- helpers ---

    /** A sink and what the test reads back from it. */
    private record Delivery(OutboxSink sink, Path outbox, MeterRegistry registry) {}

    private Delivery sink(Path outbox, Alertmanager am) {
        return sink(outbox, am, null);
    }

    private Delivery sink(Path outbox, Alertmanager am, URI webhook) {
        List<Receiver> receivers = webhook == null
                ? List.of(Receiver.alertmanager(URI.create(am.url())))
                : List.of(Receiver.alertmanager(URI.create(am.url())), Receiver.webhook(webhook));
        DeliverySettings settings = new DeliverySettings(
                Optional.of(outbox),
                receivers,
                "http://127.0.0.1:8094",
                Duration.ofMinutes(2),
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)),
                Duration.ofSeconds(2),
                500);
        MeterRegistry registry = new SimpleMeterRegistry();
        return new Delivery(infra.track(OutboxSink.start(settings, registry, Clock.systemUTC())), outbox, registry);
    }

    private Path outbox(String name) {
        return infra.workspace().dir("outbox-" + name);
    }

    private static Alert alert(String member, String description) {
        return new Alert(
                AlertName.PghaMemberDown,
                "c1",
                member,
                Severity.CRITICAL,
                member + " is down",
                description,
                "docs/runbooks/PghaMemberDown.md",
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                Map.of());
    }

    private static String member(Alert alert) {
        return "member=\"" + alert.member() + "\"";
    }

    /** The statuses our generic webhook received for {@code alert}, in order. */
    private static List<String> statuses(WebhookRecorder hook, Alert alert) {
        return hook.bodies().stream()
                .filter(b -> b.path("fingerprint").asText().equals(alert.fingerprint()))
                .map(b -> b.path("status").asText())
                .toList();
    }

    /** The members in Alertmanager's webhook notifications so far. */
    private static List<String> notifiedMembers(WebhookRecorder notified) {
        return notified.bodies().stream()
                .flatMap(b -> Stream.of(b.path("alerts"))
                        .flatMap(a -> java.util.stream.StreamSupport.stream(a.spliterator(), false)))
                .map((JsonNode a) -> a.path("labels").path("member").asText())
                .distinct()
                .toList();
    }

    private static List<Path> files(Path outbox) throws Exception {
        try (Stream<Path> walk = Files.walk(outbox)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .toList();
        }
    }

    private static double failedAttempts(Delivery d) {
        return d.registry.find("pgha_alert_delivery_failed_attempts").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private static double delivered(Delivery d) {
        return d.registry.find("pgha_alert_delivery_delivered").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
