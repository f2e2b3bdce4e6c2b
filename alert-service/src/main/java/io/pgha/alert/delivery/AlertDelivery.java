package io.pgha.alert.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** The service's {@link AlertSink}: an {@link OutboxSink} built from {@link DeliveryConfig} at start. */
@ApplicationScoped
public class AlertDelivery implements AlertSink {
    @Inject
    DeliveryConfig config;

    @Inject
    MeterRegistry registry;

    private OutboxSink sink;

    /** Checks the settings (a bad one stops the service) and starts the receivers' loops. */
    void onStart(@Observes StartupEvent event) {
        sink();
    }

    void onStop(@Observes ShutdownEvent event) {
        OutboxSink started;
        synchronized (this) {
            started = sink;
        }
        if (started != null) {
            started.close();
        }
    }

    @Override
    public void changed(List<AlertChange> changes, Instant now) {
        sink().changed(changes, now);
    }

    @Override
    public void stillFiring(Collection<Alert> firing, Instant now) {
        sink().stillFiring(firing, now);
    }

    private synchronized OutboxSink sink() {
        if (sink == null) {
            sink = OutboxSink.start(DeliverySettings.from(config), registry, Clock.systemUTC());
        }
        return sink;
    }
}
