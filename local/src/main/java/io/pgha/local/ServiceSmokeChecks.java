package io.pgha.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every pgha service must do from its first day, checked against its real built jar: start,
 * answer {@code /q/health} and {@code /q/metrics}, and leave nothing behind when stopped. A service
 * module's {@code *IT} extends this class.
 */
public abstract class ServiceSmokeChecks {
    @RegisterExtension
    protected final LocalInfra infra = LocalInfra.perTest();

    /** The properties the service needs to start (none by default). */
    protected Map<String, String> properties() {
        return Map.of();
    }

    /**
     * Plain HTTP first, then the same service with a certificate (HTTPS only). One test: a subclass's
     * {@link #properties} may start servers of its own at every call.
     */
    @Test
    void servesHealthAndMetricsAndStopsCleanlyThenServesHttpsOnlyWithACertificate() throws Exception {
        Map<String, String> properties = properties();
        servesHealthAndMetricsAndStopsCleanly(properties);
        servesHttpsOnlyWhenGivenACertificate(properties);
    }

    private void servesHealthAndMetricsAndStopsCleanly(Map<String, String> properties) throws Exception {
        QuarkusService service = infra.service(getClass().getSimpleName(), QuarkusService.ownJar(), properties);

        HttpResponse<String> health = service.get("/q/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"status\": \"UP\""), health.body());

        HttpResponse<String> metrics = service.get("/q/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "Prometheus metrics expected");

        long pid = service.process().pid();
        int port = service.httpPort();
        service.stop();
        Wait.until(Duration.ofSeconds(5), "port " + port + " free", () -> Ports.isFree(Ports.LOOPBACK, port));
        assertFalse(LocalProcess.groupAlive(pid), "no process of the service left");
    }

    /**
     * With a certificate and key in Quarkus' TLS registry and plain HTTP disabled, the service answers
     * HTTPS that the issuing CA verifies, and nothing else on its port: plain HTTP gets no HTTP answer and
     * a client that does not trust the CA refuses the server.
     */
    private void servesHttpsOnlyWhenGivenACertificate(Map<String, String> properties) throws Exception {
        Certificates ca = Certificates.authorityIn(infra.workspace().dir("certificates"));
        Certificates.Issued certificate = ca.issue("service", List.of(Ports.LOOPBACK));
        QuarkusService service = infra.track(QuarkusService.builder(
                        infra.workspace(), getClass().getSimpleName() + "-https", QuarkusService.ownJar())
                .properties(properties)
                .https(certificate)
                .start());

        assertTrue(service.https());
        assertEquals("https", service.uri("/").getScheme());
        assertServesHttpsOnly(service.host(), service.httpPort(), service.httpClient());
    }

    /**
     * The service on {@code host:port} answers HTTPS only: {@code trusting} (a client that trusts the CA
     * that issued its certificate) gets 200 on {@code /q/health/ready}; plain HTTP on the port gets no
     * HTTP answer; a client with the JVM's CAs only refuses the server (handshake failure). Shared by every
     * service's smoke check and by the system test of {@code ./pgha up}.
     */
    public static void assertServesHttpsOnly(String host, int port, HttpClient trusting) throws Exception {
        String base = host + ":" + port + "/q/health/ready";
        HttpResponse<String> health = trusting.send(
                HttpRequest.newBuilder(URI.create("https://" + base))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "https://" + base + ": " + health.body());

        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThrows(
                IOException.class,
                () -> client.send(
                        HttpRequest.newBuilder(URI.create("http://" + base))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()),
                "plain HTTP on the HTTPS port " + port + " must get no HTTP answer");
        assertThrows(
                SSLHandshakeException.class,
                () -> client.send(
                        HttpRequest.newBuilder(URI.create("https://" + base))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()),
                "a client that does not trust the pgha CA must refuse the server on port " + port);
    }
}
