package io.pgha.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Commands;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.ServiceSmokeChecks;
import io.pgha.local.Wait;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built failover-coordinator starts, serves /q/health and /q/metrics, and stops without leftovers;
 * a missing or invalid setting stops it at start with the property named.
 */
class FailoverCoordinatorSmokeIT extends ServiceSmokeChecks {
    /** It needs etcd, and its readiness includes its Kafka channels. */
    @RegisterExtension
    static final LocalInfra servers = LocalInfra.perClass();

    /** One etcd and one Kafka for the class: a second of either would start in the same folder. */
    private static Map<String, String> started;

    private static synchronized Map<String, String> serverProperties() {
        if (started == null) {
            started = Map.of(
                    "kafka.bootstrap.servers", servers.kafka().bootstrapServers(),
                    "pgha.etcd.endpoints", String.join(",", servers.etcd(1).endpoints()));
        }
        return started;
    }

    @Override
    protected Map<String, String> properties() {
        return withToken(serverProperties(), "pgha.api.token", "smoke-token");
    }

    private static Map<String, String> withToken(Map<String, String> base, String key, String value) {
        Map<String, String> properties = new java.util.HashMap<>(base);
        properties.put(key, value);
        return properties;
    }

    @Test
    void aMissingTokenStopsItNamingTheProperty() {
        Commands.Result result = run(Map.of("pgha.etcd.endpoints", "http://127.0.0.1:1"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("pgha.api.token or pgha.api.token-file");
    }

    @Test
    void aBadAgentCaFileStopsItNamingTheProperty() {
        Commands.Result result = run(Map.of(
                "pgha.etcd.endpoints", "http://127.0.0.1:1",
                "pgha.api.token", "t",
                "pgha.agent-api.ca-file", "/nonexistent/agents-ca.crt"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("pgha.agent-api.ca-file=/nonexistent/agents-ca.crt is not a readable file");
    }

    @Test
    void anElectionTtlTooShortStopsItNamingTheProperty() {
        Commands.Result result = run(Map.of(
                "pgha.etcd.endpoints", "http://127.0.0.1:1",
                "pgha.api.token", "t",
                "pgha.coordinator.election-ttl", "1s"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("invalid setting pgha.coordinator.election-ttl");
    }

    /**
     * A new token written to {@code pgha.api.token-file} is taken without a restart, and the old one is
     * refused from then on (issue 21: token rotation).
     */
    @Test
    void aRewrittenTokenFileRotatesTheTokenWithoutARestart() throws Exception {
        Path tokenFile = Files.writeString(infra.workspace().dir("secrets").resolve("token"), "first-token-value\n");
        QuarkusService service = infra.service(
                "coordinator-rotation",
                QuarkusService.ownJar(),
                withToken(serverProperties(), "pgha.api.token-file", tokenFile.toString()));
        assertThat(pause(service, "first-token-value")).isNotEqualTo(401);
        assertThat(pause(service, "second-token-value")).isEqualTo(401);

        Path next = tokenFile.resolveSibling("token.next");
        Files.writeString(next, "second-token-value\n");
        Files.move(next, tokenFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        Wait.until(Duration.ofSeconds(10), "the new token accepted", () -> pause(service, "second-token-value") != 401);
        assertThat(pause(service, "first-token-value")).isEqualTo(401);
    }

    /** The status of a pause of an unknown cluster with {@code token}: 401 when the token is refused. */
    private static int pause(QuarkusService service, String token) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(service.uri("/api/v1/clusters/no-such-cluster/pause"))
                                .header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static Commands.Result run(Map<String, String> properties) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Dquarkus.http.port=0"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", QuarkusService.ownJar().toString()));
        return Commands.run(command, Duration.ofSeconds(60));
    }
}
