package io.pgha.renderer.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.core.EtcdLayout;
import io.pgha.core.store.EtcdAccess;
import io.pgha.renderer.config.RendererConfig;
import io.pgha.renderer.config.RendererSettings;
import io.pgha.renderer.haproxy.ProcessHaproxyControl;
import io.pgha.renderer.pool.PoolRouting;
import io.pgha.renderer.pool.ProcessPgBouncerControl;
import io.pgha.renderer.render.RenderSettings;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the routing to the real HAProxy and checks the settings at start. */
@ApplicationScoped
public class RoutingProducer {
    /** etcd, where this renderer reports the epoch its HAProxy routes by; none: switchovers do not wait for it. */
    @ConfigProperty(name = "pgha.etcd.endpoints")
    Optional<List<String>> etcdEndpoints;

    @ConfigProperty(name = "pgha.etcd.namespace", defaultValue = "/pgha")
    String etcdNamespace;

    /** The etcd client's TLS and user (the same pgha.etcd.* as every service's; see EtcdSecurityConfig). */
    @ConfigProperty(name = "pgha.etcd.tls.ca-file")
    Optional<Path> etcdCaFile;

    @ConfigProperty(name = "pgha.etcd.tls.cert-file")
    Optional<Path> etcdCertFile;

    @ConfigProperty(name = "pgha.etcd.tls.key-file")
    Optional<Path> etcdKeyFile;

    @ConfigProperty(name = "pgha.etcd.user")
    Optional<String> etcdUser;

    @ConfigProperty(name = "pgha.etcd.password-file")
    Optional<Path> etcdPasswordFile;

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The etcd reports (or none), shared by HAProxy's routing and the pooler. */
    @Produces
    @Singleton
    RoutingReports reports(RendererConfig config, Clock clock) {
        if (etcdEndpoints.isEmpty() || etcdEndpoints.get().isEmpty()) {
            return RoutingReports.NONE;
        }
        String name = config.name().orElse(config.groupId());
        try {
            EtcdLayout.requireName("router", name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "invalid setting pgha.renderer.name (default: pgha.renderer.group-id): " + e.getMessage());
        }
        return new EtcdRoutingReports(etcd(), etcdNamespace, name, config.reportTtl(), Duration.ofSeconds(2), clock);
    }

    private EtcdAccess etcd() {
        return EtcdAccess.of(
                etcdEndpoints.get(),
                etcdCaFile,
                etcdCertFile,
                etcdKeyFile,
                etcdUser,
                etcdPasswordFile,
                System.getenv());
    }

    /**
     * The fast failover's fence (config-renderer's DESIGN.md, "Fencing"): with etcd, every cluster's
     * {@code /detach} and leader key are watched and the leader a {@code /detach} names is taken out of
     * the read-write backend. Nothing happens while no coordinator writes {@code /detach} ({@code
     * fast_failover} off).
     */
    @Produces
    @Singleton
    Optional<EtcdFenceWatch> fenceWatch(RendererConfig config, HaproxyRouting routing) {
        if (etcdEndpoints.isEmpty() || etcdEndpoints.get().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EtcdFenceWatch(
                etcd(),
                etcdNamespace,
                config.clusters().keySet(),
                routing,
                Duration.ofSeconds(2),
                Duration.ofMillis(Math.max(500, config.reportTtl().toMillis() / 3))));
    }

    void close(@Disposes Optional<EtcdFenceWatch> watch) {
        watch.ifPresent(EtcdFenceWatch::close);
    }

    /** The pooler beside HAProxy, when {@code pgha.renderer.pool.enabled}; its settings fail the start when wrong. */
    @Produces
    @Singleton
    Optional<PoolRouting> pool(RendererConfig config, Clock clock, RoutingReports reports) {
        return RendererSettings.pool(config)
                .map(settings -> new PoolRouting(
                        settings,
                        new ProcessPgBouncerControl(settings, settings.maxPause()),
                        clock,
                        reports instanceof PoolRouting.Reports poolReports ? poolReports : PoolRouting.Reports.NONE,
                        new HaproxyReadWriteBackend(config.haproxy().runtimeSocket(), settings.cluster())));
    }

    @Produces
    @ApplicationScoped
    HaproxyRouting routing(
            RendererConfig config,
            MeterRegistry metrics,
            Clock clock,
            RoutingReports etcdReports,
            Optional<PoolRouting> pool) {
        RendererConfig.Haproxy haproxy = config.haproxy();
        RenderSettings settings = RendererSettings.from(config); // fails the start naming bad properties
        // the pooler resumes only after HAProxy routes to the new primary: it hears of each apply first
        RoutingReports reports = pool.isEmpty()
                ? etcdReports
                : new RoutingReports() {
                    @Override
                    public void routed(java.util.Collection<io.pgha.events.TopologyEvent.TopologyChanged> inForce) {
                        pool.get().routed(inForce);
                        etcdReports.routed(inForce);
                    }

                    @Override
                    public void fenced(String cluster, io.pgha.core.store.RouterReport.Fenced fence) {
                        etcdReports.fenced(cluster, fence);
                    }

                    @Override
                    public void close() {
                        pool.get().close();
                        etcdReports.close();
                    }
                };
        return new HaproxyRouting(
                settings,
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
                config.retryInterval(),
                reports,
                HaproxyRouting.LIFT_REWRITE_DELAY);
    }

    void close(@Disposes HaproxyRouting routing) {
        routing.close();
    }

    /** Fails the start when the settings are wrong, before any Kafka record arrives. */
    void onStart(
            @Observes StartupEvent start,
            HaproxyRouting routing,
            Optional<PoolRouting> pool,
            Optional<EtcdFenceWatch> fenceWatch) {
        routing.status();
        pool.ifPresent(PoolRouting::settings);
    }
}
