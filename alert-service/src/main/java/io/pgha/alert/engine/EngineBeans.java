package io.pgha.alert.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.alert.delivery.AlertSink;
import io.pgha.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the checked settings and the engine from the configuration and the injected adapters. */
@ApplicationScoped
public class EngineBeans {
    /** Throws naming every bad {@code pgha.alert.*} property; the timer needs it at start, so it stops the service. */
    @Produces
    @Singleton
    AlertSettings settings(AlertConfig config) {
        return AlertSettings.of(config);
    }

    @Produces
    @Singleton
    AlertEngine engine(AlertSettings settings, AlertSink sink, EventPublisher publisher, MeterRegistry registry) {
        return new AlertEngine(settings, sink, publisher, new EngineMetrics(registry));
    }
}
