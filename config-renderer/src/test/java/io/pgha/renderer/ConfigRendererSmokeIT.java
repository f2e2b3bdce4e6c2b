package io.pgha.renderer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Commands;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.QuarkusService;
import io.pgha.local.ServiceSmokeChecks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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

    @Test
    void badTimingsStopItNamingEveryProperty() {
        Path haproxy = kafkaInfra.workspace().dir("bad-haproxy");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dquarkus.http.port=0"));
        Map.of(
                        "kafka.bootstrap.servers", "127.0.0.1:1",
                        "pgha.etcd.endpoints", "http://127.0.0.1:1",
                        "pgha.renderer.group-id", "bad",
                        "pgha.renderer.haproxy.config-path",
                                haproxy.resolve("haproxy.cfg").toString(),
                        "pgha.renderer.haproxy.master-socket",
                                haproxy.resolve("master.sock").toString(),
                        "pgha.renderer.haproxy.runtime-socket",
                                haproxy.resolve("runtime.sock").toString(),
                        "pgha.renderer.haproxy.validate-timeout", "0s",
                        "pgha.renderer.report-ttl", "1s")
                .forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", QuarkusService.ownJar().toString()));
        Commands.Result result = Commands.run(command, Duration.ofSeconds(60));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("pgha.renderer.haproxy.validate-timeout=PT0S must be longer than zero")
                .contains("pgha.renderer.report-ttl=PT1S must be at least 2 s");
    }
}
