package io.pgha.alert.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the topics were replayed to where they ended at the assignment and evaluated once. */
@Readiness
@ApplicationScoped
public class EngineReadiness implements HealthCheck {
    @Inject
    AlertEngine engine;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("alert-engine")
                .status(!engine.replaying())
                .withData("replaying", engine.replaying())
                .build();
    }
}
