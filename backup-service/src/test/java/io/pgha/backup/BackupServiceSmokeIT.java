package io.pgha.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Commands;
import io.pgha.local.LocalInfra;
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
 * The built backup-service starts, serves /q/health and /q/metrics, and stops without leftovers; a
 * missing or invalid setting stops it at start with the property named.
 */
class BackupServiceSmokeIT extends ServiceSmokeChecks {
    /** It needs etcd, and its readiness includes its Kafka channel. */
    @RegisterExtension
    static final LocalInfra servers = LocalInfra.perClass();

    @Override
    protected Map<String, String> properties() {
        return Map.of(
                "kafka.bootstrap.servers", servers.kafka().bootstrapServers(),
                "pgha.etcd.endpoints", String.join(",", servers.etcd(1).endpoints()),
                "pgha.api.token", "smoke-token",
                "pgha.repository.type", "posix",
                "pgha.repository.path", servers.workspace().dir("repository").toString(),
                "pgha.backup.spool", servers.workspace().dir("spool").toString());
    }

    @Test
    void aMissingRepositoryStopsItNamingTheProperty() {
        Commands.Result result = run(Map.of("pgha.etcd.endpoints", "http://127.0.0.1:1", "pgha.api.token", "t"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("invalid setting pgha.repository.type");
    }

    @Test
    void aBadRetentionStopsItNamingTheProperty() {
        Commands.Result result = run(Map.of(
                "pgha.etcd.endpoints", "http://127.0.0.1:1",
                "pgha.api.token", "t",
                "pgha.repository.type", "posix",
                "pgha.repository.path", "/tmp",
                "pgha.backup.retention.full-count", "0"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("invalid setting pgha.backup.retention.full-count");
    }

    private static Commands.Result run(Map<String, String> properties) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Dquarkus.http.port=0"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", QuarkusService.ownJar().toString()));
        return Commands.run(command, Duration.ofSeconds(60));
    }
}
