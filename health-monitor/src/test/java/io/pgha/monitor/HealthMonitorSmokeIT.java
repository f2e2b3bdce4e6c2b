package io.pgha.monitor;

import io.pgha.local.LocalInfra;
import io.pgha.local.ServiceSmokeChecks;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The built health-monitor starts, serves /q/health and /q/metrics, and stops without leftovers. */
class HealthMonitorSmokeIT extends ServiceSmokeChecks {
    /** Its readiness includes its Kafka channels, so it gets a real broker. */
    @RegisterExtension
    static final LocalInfra kafkaInfra = LocalInfra.perClass();

    @Override
    protected Map<String, String> properties() {
        return Map.of("kafka.bootstrap.servers", kafkaInfra.kafka().bootstrapServers());
    }
}
