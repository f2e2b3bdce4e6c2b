package io.pgha.renderer.pool.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Reads the configured PgBouncer admin consoles every {@code pgha.renderer.pool-metrics.interval} on
 * its own thread (a slow console never delays a scrape or the routing). Nothing runs when no console is
 * configured.
 */
@ApplicationScoped
public class PoolMetricsService {
    private static final Logger LOG = Logger.getLogger(PoolMetricsService.class);

    private ScheduledExecutorService worker;

    void start(@Observes StartupEvent event, PoolMetricsConfig config, MeterRegistry registry, Vertx vertx) {
        if (config.consoles().isEmpty()) {
            LOG.debug("no PgBouncer admin console configured (pgha.renderer.pool-metrics.consoles): no pool metrics");
            return;
        }
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
        PoolMetricsCollector collector = new PoolMetricsCollector(consoles, new PoolMeters(registry));
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

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.shutdownNow();
        }
    }
}
