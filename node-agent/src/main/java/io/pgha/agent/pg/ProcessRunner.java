package io.pgha.agent.pg;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs PostgreSQL's tools and callbacks to completion, capturing their output; the one place the agent
 * forks (the postmaster's builder comes from here too), so no child inherits the agent's secrets.
 */
public final class ProcessRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProcessRunner.class);

    private final SignalShell signals = new SignalShell();

    /** A finished command: exit code and merged output. */
    public record Result(String command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** This result, or an exception naming the command, its exit code and the output's tail. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(command + " failed (exit " + exitCode + "): " + tail(output));
            }
            return this;
        }
    }

    /** Runs {@code command} (never with a secret in it: pass those in {@code env}). */
    public Result run(List<String> command, Map<String, String> env, Duration timeout) {
        LOG.infof("running %s", String.join(" ", command));
        return execute(command, env, timeout);
    }

    /** Runs a read-only tool that is polled many times in a row (pg_controldata): logged at DEBUG only. */
    public Result poll(List<String> command, Duration timeout) {
        LOG.debugf("running %s", String.join(" ", command));
        return execute(command, Map.of(), timeout);
    }

    private Result execute(List<String> command, Map<String, String> env, Duration timeout) {
        String shown = String.join(" ", command);
        Path out = null;
        try {
            out = Files.createTempFile("pgha-agent", ".out");
            ProcessBuilder builder = builder(command, env)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(shown, -1, Files.readString(out) + "\n(timed out after " + timeout + ")");
            }
            return new Result(shown, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(shown, -1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + shown, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /**
     * The environment of a child process (postmaster, pg tools, callbacks): the agent's own without its
     * secrets, i.e. without every {@code PGHA_*} variable (passwords, the REST token) and without an
     * inherited {@code PGPASSWORD}; then {@code extra} (say the {@code PGPASSWORD} of one pg_basebackup).
     */
    public static Map<String, String> environment(Map<String, String> inherited, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>();
        inherited.forEach((name, value) -> {
            String upper = name.toUpperCase(java.util.Locale.ROOT);
            if (!upper.startsWith("PGHA_") && !upper.equals("PGPASSWORD")) {
                env.put(name, value);
            }
        });
        env.putAll(extra);
        return env;
    }

    /** A builder for {@code command} whose environment is {@link #environment} of this agent's. */
    static ProcessBuilder builder(List<String> command, Map<String, String> extra) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = environment(System.getenv(), extra);
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder;
    }

    /**
     * Sends {@code signal} (INT, QUIT, KILL, ...) to {@code pid}: through the kept {@link SignalShell},
     * or, when that is not running and cannot be started, a forked {@code kill}.
     */
    public void signal(long pid, String signal) {
        Optional<Integer> status = signals.send(pid, signal);
        if (status.isEmpty()) {
            run(List.of("kill", "-s", signal, Long.toString(pid)), Map.of(), Duration.ofSeconds(5));
        } else if (status.get() != 0) {
            LOG.warnf("kill -s %s %d failed (exit %d): no such process?", signal, pid, status.get());
        } else {
            LOG.debugf("sent SIG%s to %d", signal, pid);
        }
    }

    /** Starts the kept signal shell now, so that the first signal does not wait for it. */
    public void startSignalShell() {
        signals.start();
    }

    /** Stops the kept signal shell (the agent stops); signals fork {@code kill} after it. */
    @Override
    public void close() {
        signals.close();
    }

    static String tail(String output) {
        String trimmed = output.strip();
        return trimmed.length() <= 1500 ? trimmed : "..." + trimmed.substring(trimmed.length() - 1500);
    }
}
