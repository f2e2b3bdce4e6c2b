package io.pgha.renderer.pool.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.renderer.pool.metrics.PoolMetricsService.Pooler;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
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

    private static Config config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
    }
}
