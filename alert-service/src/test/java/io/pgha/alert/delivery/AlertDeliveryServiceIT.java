package io.pgha.alert.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import io.pgha.alert.rules.AlertName;
import io.pgha.events.AlertEvent.Severity;
import io.pgha.local.Alertmanager;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Delivery inside the built alert-service: its settings, its metrics, and an outbox left by an earlier run. */
class AlertDeliveryServiceIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void theServiceDeliversWhatAnEarlierRunLeftInTheOutboxAndShowsItsMetrics() throws Exception {
        Alertmanager am = infra.alertmanager(Alertmanager.QUIET_CONFIG);
        Path outbox = infra.workspace().dir("outbox");
        Alert alert = new Alert(
                AlertName.PghaNoPrimary,
                "c9",
                null,
                Severity.CRITICAL,
                "no primary",
                "left over",
                "docs/runbooks/PghaNoPrimary.md",
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                Map.of());
        Outbox earlier = Outbox.open(outbox);
        Receiver receiver = Receiver.alertmanager(URI.create(am.url()));
        earlier.write(
                receiver,
                Notification.of(new AlertChange.Fired(alert), earlier.nextSeq(), "http://x/y", Instant.now()));

        QuarkusService service = infra.service(
                "alert-service",
                QuarkusService.ownJar(),
                Map.of(
                        "kafka.bootstrap.servers",
                        infra.kafka().bootstrapServers(), // the engine is ready once it read Kafka
                        "pgha.alert.name",
                        "delivery-it",
                        "pgha.alert.alertmanagers",
                        am.url(),
                        "pgha.alert.outbox-dir",
                        outbox.toString()));

        Wait.until(
                Duration.ofSeconds(5),
                "the left-over alert in Alertmanager",
                () -> am.alerts("cluster=\"c9\"").size() == 1);
        assertThat(am.alerts("cluster=\"c9\"").get(0).labels()).isEqualTo(alert.labels());
        Wait.until(Duration.ofSeconds(5), "the outbox emptied", () -> jsonFiles(outbox) == 0);
        String metrics = service.get("/q/metrics").body();
        assertThat(metrics)
                .contains("pgha_alert_delivery_pending{kind=\"alertmanager\",receiver=\"" + am.url() + "\"} 0.0")
                .contains(
                        "pgha_alert_delivery_delivered_total{kind=\"alertmanager\",receiver=\"" + am.url() + "\"} 1.0")
                .contains("pgha_alert_delivery_oldest_pending_seconds");
    }

    @Test
    void aMalformedAlertmanagerUrlStopsTheServiceNamingTheProperty() {
        assertThatThrownBy(() -> infra.service(
                        "alert-service",
                        QuarkusService.ownJar(),
                        Map.of("pgha.alert.alertmanagers", "127.0.0.1:9093", "pgha.alert.outbox-dir", "/tmp/x")))
                .hasMessageContaining("gave up")
                .hasMessageContaining("invalid setting pgha.alert.alertmanagers");
    }

    @Test
    void receiversWithoutAnOutboxStopTheServiceNamingTheProperty() {
        assertThatThrownBy(() -> infra.service(
                        "alert-service",
                        QuarkusService.ownJar(),
                        Map.of("pgha.alert.webhooks", "http://127.0.0.1:9/x")))
                .hasMessageContaining("missing setting pgha.alert.outbox-dir");
    }

    private static long jsonFiles(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".json")).count();
        }
    }
}
