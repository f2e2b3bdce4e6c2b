package io.pgha.renderer.pool.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.renderer.pool.metrics.PoolMetricsService.Pooler;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

class PoolMetricsServiceTest {

    @Test
    void theDrivenPgBouncerIsReadWithThePoolersAdminUser() {
        Config config = config(Map.of(
                "pgha.renderer.pool.enabled", "true",
                "pgha.renderer.pool.cluster", "pgha",
                "pgha.renderer.pool.port", "6532",
                "pgha.renderer.pool.admin-password", "s3cret",
                "pgha.renderer.bind-address", "0.0.0.0"));

        assertThat(PoolMetricsService.pooler(config))
                .hasValue(new Pooler("pgha", "127.0.0.1", 6532, "pgha_pooler_admin", "s3cret"));
    }

    @Test
    void noPoolerNoConsole() {
        assertThat(PoolMetricsService.pooler(config(Map.of()))).isEmpty();
        assertThat(PoolMetricsService.pooler(
                        config(Map.of("pgha.renderer.pool.enabled", "false", "pgha.renderer.pool.cluster", "x"))))
                .isEmpty();
        assertThat(PoolMetricsService.pooler(config(Map.of("pgha.renderer.pool.enabled", "true"))))
                .isEmpty();
    }

    @Test
    void thePoolerNameIsCheckedNamingTheProperty() {
        Duration five = Duration.ofSeconds(5);
        Duration thirty = Duration.ofSeconds(30);
        assertThat(PoolMetricsService.poolerName(Optional.empty(), "renderer-0", thirty, five))
                .isEqualTo("renderer-0");
        assertThat(PoolMetricsService.poolerName(Optional.of("pool-a"), "renderer-0", thirty, five))
                .isEqualTo("pool-a");
        assertThatThrownBy(() -> PoolMetricsService.poolerName(Optional.of("a/b"), "renderer-0", thirty, five))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pgha.renderer.pool-metrics.pooler")
                .hasMessageContaining("pooler name 'a/b' is invalid");
        assertThat(PoolMetricsService.poolerName(Optional.empty(), "~host~1", thirty, five))
                .as("a host name made a usable name")
                .isEqualTo("host-1");
        assertThat(PoolMetricsService.poolerName(Optional.empty(), "h".repeat(80), thirty, five))
                .hasSize(63);
        assertThatThrownBy(() -> PoolMetricsService.poolerName(Optional.empty(), "~~~", thirty, five))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not set: the event source's instance '~~~' is used");
        assertThatThrownBy(() -> PoolMetricsService.poolerName(Optional.empty(), "r-0", Duration.ofSeconds(1), five))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pgha.renderer.pool-metrics.heartbeat=PT1S");
    }

    private static Config config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
    }
}
