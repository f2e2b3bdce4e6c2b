package io.pgha.renderer;

import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.ServiceSmokeChecks;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built config-renderer starts, serves /q/health and /q/metrics, and stops without leftovers.
 * It needs Kafka to be ready (it reads pgha.topology to its end first); no HAProxy runs, so it
 * writes the configuration and keeps the reload pending.
 */
class ConfigRendererSmokeIT extends ServiceSmokeChecks {
    @RegisterExtension
    static final LocalInfra kafkaInfra = LocalInfra.perClass();

    @Override
    protected Map<String, String> properties() {
        KafkaBroker kafka = kafkaInfra.kafka();
        Path haproxy = kafkaInfra.workspace().dir("haproxy");
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "pgha.renderer.group-id", "smoke",
                "pgha.renderer.haproxy.config-path",
                        haproxy.resolve("haproxy.cfg").toString(),
                "pgha.renderer.haproxy.master-socket",
                        haproxy.resolve("master.sock").toString(),
                "pgha.renderer.haproxy.runtime-socket",
                        haproxy.resolve("runtime.sock").toString(),
                "pgha.renderer.stats-port", Integer.toString(Ports.free()));
    }
}
