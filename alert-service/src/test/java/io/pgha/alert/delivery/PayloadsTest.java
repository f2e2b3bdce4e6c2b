package io.pgha.alert.delivery;

import static io.pgha.alert.delivery.Notifications.at;
import static io.pgha.alert.delivery.Notifications.fired;
import static io.pgha.alert.delivery.Notifications.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    @Test
    void alertmanagerGetsLabelsAnnotationsTimesAndGeneratorUrl() throws Exception {
        JsonNode body = Json.MAPPER.readTree(
                Payloads.alertmanager(List.of(fired(1, "m1"), resolved(2, "m2")), at(10), Duration.ofMinutes(2)));
        assertThat(body.size()).isEqualTo(2);
        JsonNode firing = body.get(0);
        assertThat(firing.path("labels").path("alertname").asText()).isEqualTo("PghaMemberDown");
        assertThat(firing.path("labels").path("member").asText()).isEqualTo("m1");
        assertThat(firing.path("annotations").path("runbook_url").asText())
                .isEqualTo("docs/runbooks/PghaMemberDown.md");
        assertThat(firing.path("startsAt").asText()).isEqualTo("2026-12-01T10:00:00Z");
        // a firing alert gets a lease: now + ends-at-factor x resend-interval
        assertThat(firing.path("endsAt").asText()).isEqualTo("2026-12-01T10:02:10Z");
        assertThat(firing.path("generatorURL").asText()).isEqualTo("http://a/x");
        // a resolved one its own endsAt
        assertThat(body.get(1).path("endsAt").asText()).isEqualTo("2026-12-01T10:00:02Z");
    }

    @Test
    void webhookBodyIsOneNotificationWithStatusAndFingerprint() throws Exception {
        Notification fire = fired(1, "m1");
        JsonNode firing = Json.MAPPER.readTree(Payloads.webhook(fire));
        assertThat(firing.path("version").asText()).isEqualTo("1");
        assertThat(firing.path("status").asText()).isEqualTo("firing");
        assertThat(firing.path("fingerprint").asText()).isEqualTo(fire.fingerprint());
        assertThat(firing.path("labels").path("cluster").asText()).isEqualTo("c1");
        assertThat(firing.path("annotations").path("summary").asText()).isEqualTo("m1 is down");
        assertThat(firing.path("endsAt").isNull()).isTrue();
        JsonNode resolve = Json.MAPPER.readTree(Payloads.webhook(resolved(3, "m1")));
        assertThat(resolve.path("status").asText()).isEqualTo("resolved");
        assertThat(resolve.path("endsAt").asText()).isEqualTo("2026-12-01T10:00:03Z");
    }

    @Test
    void httpAnswersAreClassified() {
        assertThat(HttpTransport.classify(200, "").outcome()).isEqualTo(HttpTransport.Outcome.DELIVERED);
        assertThat(HttpTransport.classify(204, null).outcome()).isEqualTo(HttpTransport.Outcome.DELIVERED);
        assertThat(HttpTransport.classify(503, "").outcome()).isEqualTo(HttpTransport.Outcome.RETRY);
        assertThat(HttpTransport.classify(429, "").outcome()).isEqualTo(HttpTransport.Outcome.RETRY);
        assertThat(HttpTransport.classify(408, "").outcome()).isEqualTo(HttpTransport.Outcome.RETRY);
        assertThat(HttpTransport.classify(400, "bad labels").outcome()).isEqualTo(HttpTransport.Outcome.REJECTED);
        assertThat(HttpTransport.classify(400, "bad labels").detail()).isEqualTo("HTTP 400: bad labels");
    }
}
