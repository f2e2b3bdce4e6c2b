package io.pgha.agent;

import io.pgha.agent.config.AgentConfig;
import io.pgha.agent.pg.ProcessRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/** Runs the configured callback scripts in the background, one at a time, in order. */
final class Callbacks implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Callbacks.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final AgentConfig.Callbacks config;
    private final String cluster;
    private final ProcessRunner runner = new ProcessRunner();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pgha-callbacks");
        t.setDaemon(true);
        return t;
    });

    Callbacks(AgentConfig.Callbacks config, String cluster) {
        this.config = config;
        this.cluster = cluster;
    }

    void onStart(String role) {
        fire(config.onStart(), "on_start", role);
    }

    void onStop(String role) {
        fire(config.onStop(), "on_stop", role);
    }

    void onRoleChange(String role) {
        fire(config.onRoleChange(), "on_role_change", role);
    }

    private void fire(Optional<String> script, String action, String role) {
        script.filter(s -> !s.isBlank()).ifPresent(s -> {
            try {
                executor.execute(() -> {
                    ProcessRunner.Result result = runner.run(List.of(s, action, role, cluster), Map.of(), TIMEOUT);
                    if (!result.ok()) {
                        LOG.warnf("callback %s %s failed (exit %d)", action, s, result.exitCode());
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debugf("callback %s skipped: shutting down", action);
            }
        });
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("callbacks still running at shutdown: abandoned");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
