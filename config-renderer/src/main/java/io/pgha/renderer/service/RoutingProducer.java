package io.pgha.renderer.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.renderer.config.RendererConfig;
import io.pgha.renderer.config.RendererSettings;
import io.pgha.renderer.haproxy.ProcessHaproxyControl;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** Wires the routing to the real HAProxy and checks the settings at start. */
@ApplicationScoped
public class RoutingProducer {
    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @ApplicationScoped
    HaproxyRouting routing(RendererConfig config, MeterRegistry metrics, Clock clock) {
        RendererConfig.Haproxy haproxy = config.haproxy();
        return new HaproxyRouting(
                RendererSettings.from(config),
                new ProcessHaproxyControl(
                        haproxy.binary(),
                        haproxy.configPath(),
                        haproxy.masterSocket(),
                        haproxy.runtimeSocket(),
                        RendererSettings.stateFile(config),
                        haproxy.validateTimeout(),
                        haproxy.reloadTimeout()),
                clock,
                metrics,
                haproxy.configPath().toAbsolutePath().toString(),
                config.retryInterval());
    }

    void close(@Disposes HaproxyRouting routing) {
        routing.close();
    }

    /** Fails the start when the settings are wrong, before any Kafka record arrives. */
    void onStart(@Observes StartupEvent start, HaproxyRouting routing) {
        routing.status();
    }
}
