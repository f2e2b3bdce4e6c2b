package io.pgha.alert.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliverySettingsTest {

    /** {@link DeliveryConfig} with its defaults and receivers of every kind; a test changes a field. */
    static final class Config implements DeliveryConfig {
        Optional<String> outboxDir = Optional.of("/var/lib/pgha/outbox");
        Optional<List<String>> alertmanagers = Optional.of(List.of("http://127.0.0.1:9093", "http://127.0.0.1:9095/"));
        Optional<List<String>> webhooks = Optional.of(List.of("http://127.0.0.1:9000/hook"));
        String generatorUrl = "http://127.0.0.1:8094";
        int endsAtFactor = 4;
        Duration initial = Duration.ofMillis(500);
        Duration max = Duration.ofSeconds(30);

        @Override
        public Optional<String> outboxDir() {
            return outboxDir;
        }

        @Override
        public Optional<List<String>> alertmanagers() {
            return alertmanagers;
        }

        @Override
        public Optional<List<String>> webhooks() {
            return webhooks;
        }

        @Override
        public String generatorUrl() {
            return generatorUrl;
        }

        @Override
        public Duration resendInterval() {
            return Duration.ofSeconds(30);
        }

        @Override
        public int endsAtFactor() {
            return endsAtFactor;
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

        @Override
        public Duration requestTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public int maxBatch() {
            return 500;
        }
    }

    /** The message of the error {@code from} throws for a config changed by {@code change}. */
    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(
            java.util.function.Consumer<Config> change) {
        Config config = new Config();
        change.accept(config);
        return assertThatThrownBy(() -> DeliverySettings.from(config)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultsGiveEveryReceiverAndTheFiringLease() {
        DeliverySettings settings = DeliverySettings.from(new Config());
        assertThat(settings.receivers())
                .extracting(Receiver::kind)
                .containsExactly(Receiver.Kind.ALERTMANAGER, Receiver.Kind.ALERTMANAGER, Receiver.Kind.WEBHOOK);
        assertThat(settings.firingLease()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.generatorUrl("c 1")).isEqualTo("http://127.0.0.1:8094/api/v1/clusters/c+1/alerts");
    }

    @Test
    void badValuesNameTheProperty() {
        refused(c -> c.alertmanagers = Optional.of(List.of("127.0.0.1:9093")))
                .hasMessageContaining("pgha.alert.alertmanagers")
                .hasMessageContaining("127.0.0.1:9093");
        refused(c -> c.alertmanagers = Optional.of(List.of("http://a b")))
                .hasMessageContaining("pgha.alert.alertmanagers");
        refused(c -> c.webhooks = Optional.of(List.of("http://h/x?q=1"))).hasMessageContaining("pgha.alert.webhooks");
        refused(c -> c.alertmanagers = Optional.of(List.of("http://am:9093", "http://am:9093")))
                .hasMessageContaining("pgha.alert.alertmanagers")
                .hasMessageContaining("twice");
        refused(c -> c.outboxDir = Optional.empty()).hasMessageContaining("pgha.alert.outbox-dir");
        refused(c -> c.outboxDir = Optional.of("outbox"))
                .hasMessageContaining("pgha.alert.outbox-dir")
                .hasMessageContaining("absolute");
        refused(c -> c.endsAtFactor = 1).hasMessageContaining("pgha.alert.ends-at-factor");
        refused(c -> c.initial = Duration.ofSeconds(60)).hasMessageContaining("pgha.alert.backoff");
        refused(c -> c.generatorUrl = "ftp://x").hasMessageContaining("pgha.alert.generator-url");
    }

    @Test
    void noReceiversNeedsNoOutbox() {
        Config none = new Config();
        none.alertmanagers = Optional.empty();
        none.webhooks = Optional.empty();
        none.outboxDir = Optional.empty();
        assertThat(DeliverySettings.from(none).receivers()).isEmpty();
    }
}
