package io.pgha.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
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

    @Test
    void servesHealthAndMetricsAndStopsCleanly() throws Exception {
        QuarkusService service = infra.service(getClass().getSimpleName(), QuarkusService.ownJar(), properties());

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
}
