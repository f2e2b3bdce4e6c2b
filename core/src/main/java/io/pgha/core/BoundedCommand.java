package io.pgha.core;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command to completion within a deadline ({@code haproxy -c}, {@code initdb}, {@code
 * kill}), capturing stdout and stderr merged. The output goes to a file, not a pipe, so a child that
 * keeps the output open after the command exited cannot make the caller wait; on timeout (or
 * interrupt) the command and every process it started are killed, so a hung command is bounded by
 * {@code timeout}.
 */
public final class BoundedCommand {
    private static final Duration REAP = Duration.ofSeconds(2);

    private BoundedCommand() {}

    /** What a finished (or killed) command printed and its exit code (-1 when it was killed). */
    public record Result(List<String> command, int exitCode, String output, boolean timedOut) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    /**
     * Runs {@code command} with {@code env} added to this process's environment and stdin from
     * {@code /dev/null}, for at most {@code timeout}.
     *
     * @throws IOException when the command cannot be started (binary missing, not executable)
     * @throws IllegalStateException when interrupted (the command and its children are killed first)
     */
    public static Result run(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
        Path out = Files.createTempFile("pgha-cmd", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                killTree(process);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
            }
            if (!finished) {
                killTree(process);
                return new Result(
                        command,
                        -1,
                        Files.readString(out, StandardCharsets.UTF_8) + "\n(timed out after " + timeout.toMillis()
                                + " ms: killed with its child processes)",
                        true);
            }
            return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), false);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * SIGKILL to {@code process} and all its descendants, taken before the parent dies (an orphan is
     * re-parented and no longer found); then reaps the parent, for at most {@link #REAP}.
     */
    private static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
