package io.pgha.alert.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliverySettingsTest {

    /** A config with the defaults of {@link DeliveryConfig}, changed by the test. */
    record Config(
            Optional<String> outboxDir,
            Optional<List<String>> alertmanagers,
            Optional<List<String>> webhooks,
            String generatorUrl,
            Duration resendInterval,
            int endsAtFactor,
            Duration initial,
            Duration max,
            Duration requestTimeout,
            int maxBatch)
            implements DeliveryConfig {
        static Config defaults() {
            return new Config(
                    Optional.of("/var/lib/pgha/outbox"),
                    Optional.of(List.of("http://127.0.0.1:9093", "http://127.0.0.1:9095/")),
                    Optional.of(List.of("http://127.0.0.1:9000/hook")),
                    "http://127.0.0.1:8094",
                    Duration.ofSeconds(30),
                    4,
                    Duration.ofMillis(500),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(5),
                    500);
        }

        @Override
        public BackoffConfig backoff() {
            return new BackoffConfig() {
                @Override
                public Duration initial() {
                    return initial;
                }

                @Override
                public Duration max() {
                    return max;
                }
            };
        }

        Config alertmanagers(String... urls) {
            return new Config(
                    outboxDir,
                    Optional.of(List.of(urls)),
                    webhooks,
                    generatorUrl,
                    resendInterval,
                    endsAtFactor,
                    initial,
                    max,
                    requestTimeout,
                    maxBatch);
        }

        Config outboxDir(Optional<String> dir) {
            return new Config(
                    dir,
                    alertmanagers,
                    webhooks,
                    generatorUrl,
                    resendInterval,
                    endsAtFactor,
                    initial,
                    max,
                    requestTimeout,
                    maxBatch);
        }

        Config endsAtFactor(int factor) {
            return new Config(
                    outboxDir,
                    alertmanagers,
                    webhooks,
                    generatorUrl,
                    resendInterval,
                    factor,
                    initial,
                    max,
                    requestTimeout,
                    maxBatch);
        }

        Config backoff(Duration first, Duration longest) {
            return new Config(
                    outboxDir,
                    alertmanagers,
                    webhooks,
                    generatorUrl,
                    resendInterval,
                    endsAtFactor,
                    first,
                    longest,
                    requestTimeout,
                    maxBatch);
        }

        Config generatorUrl(String url) {
            return new Config(
                    outboxDir,
                    alertmanagers,
                    webhooks,
                    url,
                    resendInterval,
                    endsAtFactor,
                    initial,
                    max,
                    requestTimeout,
                    maxBatch);
        }
    }

    @Test
    void theDefaultsGiveEveryReceiverAndTheFiringLease() {
        DeliverySettings settings = DeliverySettings.from(Config.defaults());
        assertThat(settings.receivers())
                .extracting(Receiver::kind)
                .containsExactly(Receiver.Kind.ALERTMANAGER, Receiver.Kind.ALERTMANAGER, Receiver.Kind.WEBHOOK);
        assertThat(settings.firingLease()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.generatorUrl("c 1")).isEqualTo("http://127.0.0.1:8094/api/v1/clusters/c+1/alerts");
    }

    @Test
    void badValuesNameTheProperty() {
        assertThatThrownBy(() -> DeliverySettings.from(Config.defaults().alertmanagers("127.0.0.1:9093")))
                .hasMessageContaining("pgha.alert.alertmanagers")
                .hasMessageContaining("127.0.0.1:9093");
        assertThatThrownBy(() -> DeliverySettings.from(Config.defaults().alertmanagers("http://a b")))
                .hasMessageContaining("pgha.alert.alertmanagers");
        assertThatThrownBy(() ->
                        DeliverySettings.from(Config.defaults().alertmanagers("http://am:9093", "http://am:9093")))
                .hasMessageContaining("pgha.alert.alertmanagers")
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> DeliverySettings.from(Config.defaults().outboxDir(Optional.empty())))
                .hasMessageContaining("pgha.alert.outbox-dir");
        assertThatThrownBy(() -> DeliverySettings.from(Config.defaults().outboxDir(Optional.of("outbox"))))
                .hasMessageContaining("pgha.alert.outbox-dir")
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> DeliverySettings.from(Config.defaults().endsAtFactor(1)))
                .hasMessageContaining("pgha.alert.ends-at-factor");
        assertThatThrownBy(() ->
                        DeliverySettings.from(Config.defaults().backoff(Duration.ofSeconds(5), Duration.ofSeconds(1))))
                .hasMessageContaining("pgha.alert.backoff");
        assertThatThrownBy(() -> DeliverySettings.from(Config.defaults().generatorUrl("ftp://x")))
                .hasMessageContaining("pgha.alert.generator-url");
    }

    @Test
    void noReceiversNeedsNoOutbox() {
        Config none = new Config(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                "http://127.0.0.1:8094",
                Duration.ofSeconds(30),
                4,
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                500);
        assertThat(DeliverySettings.from(none).receivers()).isEmpty();
    }
}
