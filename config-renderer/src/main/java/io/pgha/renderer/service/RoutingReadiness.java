package io.pgha.renderer.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once pgha.topology was read to its end and the first configuration was decided on. */
@Readiness
@ApplicationScoped
public class RoutingReadiness implements HealthCheck {
    @Inject
    HaproxyRouting routing;

    @Override
    public HealthCheckResponse call() {
        RendererStatus status = routing.status();
        return HealthCheckResponse.named("haproxy-routing")
                .status(routing.ready())
                .withData("caught_up", status.caughtUp())
                .withData("hash", status.hash() == null ? "none" : status.hash())
                .withData("reload_pending", status.reloadPending())
                .build();
    }
}
