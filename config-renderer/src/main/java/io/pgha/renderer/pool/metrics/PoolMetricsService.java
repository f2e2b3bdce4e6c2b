package io.pgha.renderer.pool.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.core.EtcdLayout;
import io.pgha.messaging.EventPublisher;
import io.pgha.messaging.KafkaEventPublisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Reads the PgBouncer admin consoles every {@code pgha.renderer.pool-metrics.interval} on its own
 * thread (a slow console never delays a scrape or the routing): those of
 * {@code pgha.renderer.pool-metrics.consoles}, and the PgBouncer this renderer drives when
 * {@code pgha.renderer.pool.enabled} (unless a console is configured for its cluster). Nothing runs
 * when there is none.
 */
@ApplicationScoped
public class PoolMetricsService {
    private static final Logger LOG = Logger.getLogger(PoolMetricsService.class);

    private ScheduledExecutorService worker;

    void start(
            @Observes StartupEvent event,
            PoolMetricsConfig config,
            MeterRegistry registry,
            Vertx vertx,
            EventPublisher publisher,
            KafkaEventPublisher kafka) {
        Map<String, AdminConsole> consoles = new LinkedHashMap<>();
        config.consoles()
                .forEach((cluster, c) -> consoles.put(
                        cluster,
                        new PgAdminConsole(
                                vertx,
                                c.host(),
                                c.port(),
                                c.user(),
                                c.password().orElse(null),
                                config.timeout())));
        pooler(ConfigProvider.getConfig())
                .filter(p -> !consoles.containsKey(p.cluster()))
                .ifPresent(p -> consoles.put(
                        p.cluster(),
                        new PgAdminConsole(vertx, p.host(), p.port(), p.user(), p.password(), config.timeout())));
        if (consoles.isEmpty()) {
            LOG.debug("no PgBouncer to read (pgha.renderer.pool.enabled is off and no"
                    + " pgha.renderer.pool-metrics.consoles): no pool metrics");
            return;
        }
        PoolMetricsCollector.SnapshotSink sink = (cluster, snapshot, at) -> {};
        if (config.publish()) {
            String pooler =
                    poolerName(config.pooler(), kafka.source().instance(), config.heartbeat(), config.interval());
            sink = new PoolUsagePublisher(pooler, config.heartbeat(), publisher)::read;
            LOG.infof(
                    "pool readings published on pgha.node-health as pooler %s (heartbeat %s)",
                    pooler, config.heartbeat());
        }
        PoolMetricsCollector collector =
                new PoolMetricsCollector(consoles, new PoolMeters(registry), sink, Clock.systemUTC());
        worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pool-metrics");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.interval().toMillis();
        worker.scheduleWithFixedDelay(
                () -> {
                    try {
                        collector.collect();
                    } catch (RuntimeException e) {
                        LOG.errorf(
                                e,
                                "pool metrics: a read failed unexpectedly; the next one runs in %s",
                                config.interval());
                    }
                },
                0,
                every,
                TimeUnit.MILLISECONDS);
        LOG.infof("pool metrics from %s every %s", consoles.keySet(), config.interval());
    }

    /**
     * The pooler name readings carry: {@code pgha.renderer.pool-metrics.pooler}, else {@code instance}
     * (the event source's). It reaches a Kafka key and alert-service's checks, so it must be a
     * member-like name; the heartbeat must not be shorter than the read interval.
     *
     * @throws IllegalStateException naming the property
     */
    static String poolerName(Optional<String> configured, String instance, Duration heartbeat, Duration interval) {
        String name = configured.orElseGet(() -> asName(instance));
        try {
            EtcdLayout.requireName("pooler", name);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid setting pgha.renderer.pool-metrics.pooler"
                    + (configured.isEmpty() ? " (not set: the event source's instance '" + instance + "' is used)" : "")
                    + ": " + e.getMessage());
        }
        if (heartbeat.compareTo(interval) < 0) {
            throw new IllegalStateException("invalid setting pgha.renderer.pool-metrics.heartbeat=" + heartbeat
                    + ": it must not be shorter than pgha.renderer.pool-metrics.interval=" + interval);
        }
        return name;
    }

    /**
     * A host-derived instance as a member-like name: characters other than letters, digits, '_', '.'
     * and '-' become '-', leading ones that are not a letter or digit go, at most 63 characters.
     */
    static String asName(String instance) {
        String name = instance.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^[^A-Za-z0-9]+", "");
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** The admin console of the PgBouncer this renderer drives ({@code pgha.renderer.pool.*}), if it drives one. */
    record Pooler(String cluster, String host, int port, String user, String password) {}

    /**
     * The pooler's own settings, read by name (the pooler's properties: {@code enabled}, {@code cluster},
     * {@code port}, {@code admin-user}, {@code admin-password}; PgBouncer listens on
     * {@code pgha.renderer.bind-address}) so that the metrics follow the PgBouncer the renderer renders
     * without being configured twice; PgBouncer lists its admin user in {@code stats_users} too.
     */
    static Optional<Pooler> pooler(Config c) {
        if (!c.getOptionalValue("pgha.renderer.pool.enabled", Boolean.class).orElse(false)) {
            return Optional.empty();
        }
        Optional<String> cluster = c.getOptionalValue("pgha.renderer.pool.cluster", String.class);
        if (cluster.isEmpty()) {
            return Optional.empty(); // the pooler's own start check names the missing property
        }
        String bind =
                c.getOptionalValue("pgha.renderer.bind-address", String.class).orElse("127.0.0.1");
        return Optional.of(new Pooler(
                cluster.get(),
                bind.equals("0.0.0.0") ? "127.0.0.1" : bind,
                c.getOptionalValue("pgha.renderer.pool.port", Integer.class).orElse(6432),
                c.getOptionalValue("pgha.renderer.pool.admin-user", String.class)
                        .orElse("pgha_pooler_admin"),
                c.getOptionalValue("pgha.renderer.pool.admin-password", String.class)
                        .orElse(null)));
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.shutdownNow();
        }
    }
}
