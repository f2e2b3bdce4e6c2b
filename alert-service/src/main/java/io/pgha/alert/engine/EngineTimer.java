package io.pgha.alert.engine;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Evaluates every cluster each {@code pgha.alert.evaluate-interval} (the time-based rules) and hands
 * every firing alert to the sink each {@code pgha.alert.resend-interval}, on one thread of its own.
 */
@ApplicationScoped
public class EngineTimer {
    private static final Logger LOG = Logger.getLogger(EngineTimer.class);

    @Inject
    AlertEngine engine;

    @Inject
    AlertSettings settings;

    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent start) {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "alert-timer");
            thread.setDaemon(true);
            return thread;
        });
        every(settings.evaluateInterval().toMillis(), "evaluate", () -> engine.tick(Instant.now()));
        every(settings.resendInterval().toMillis(), "re-send", () -> engine.resend(Instant.now()));
    }

    void stop(@Observes ShutdownEvent stop) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void every(long millis, String what, Runnable step) {
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        step.run();
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "the timed %s step failed; it runs again in %d ms", what, millis);
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }
}
