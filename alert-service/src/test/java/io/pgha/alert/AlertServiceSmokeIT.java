package io.pgha.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Commands;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built alert-service starts, serves /q/health and /q/metrics, and stops without leftovers. It is
 * ready once it has replayed the topics, so it gets a real broker. Bad settings stop it at start.
 */
class AlertServiceSmokeIT extends io.pgha.local.ServiceSmokeChecks {
    @RegisterExtension
    static final LocalInfra kafkaInfra = LocalInfra.perClass();

    @Override
    protected Map<String, String> properties() {
        return Map.of("kafka.bootstrap.servers", kafkaInfra.kafka().bootstrapServers(), "pgha.alert.name", "smoke");
    }

    @Test
    void badSettingsStopItNamingEveryProperty() {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dquarkus.http.port=0"));
        Map.of(
                        "kafka.bootstrap.servers", "127.0.0.1:1",
                        "pgha.alert.name", "bad",
                        "pgha.alert.member-down-for", "-2s",
                        "pgha.alert.evaluate-interval", "0s",
                        "pgha.alert.severity.PghaNoPrimary", "loud")
                .forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", QuarkusService.ownJar().toString()));
        Commands.Result result = Commands.run(command, Duration.ofSeconds(60));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("pgha.alert.member-down-for is PT-2S")
                .contains("pgha.alert.evaluate-interval=PT0S must be longer than zero")
                .contains("pgha.alert.severity.PghaNoPrimary=loud: give critical, warning or info");
    }
}
