package io.pgha.local;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * CPU load from Debian's {@code stress-ng}: one worker per core, each busy {@code percent} % of the
 * time, for a soak that checks the failure detection has no false positives on a loaded machine.
 * The workers run in their own process group and are stopped on {@link #close()} (and by the
 * {@link ProcessRegistry} if the test dies first).
 */
public final class CpuStress implements AutoCloseable {
    private final LocalProcess process;
    private final int workers;
    private final int percent;

    private CpuStress(LocalProcess process, int workers, int percent) {
        this.process = process;
        this.workers = workers;
        this.percent = percent;
    }

    /** Starts {@code workers} CPU workers at {@code percent} % load each; returns once they run. */
    public static CpuStress start(Workspace workspace, int workers, int percent) {
        if (workers < 1) {
            throw new IllegalArgumentException("stress-ng workers must be at least 1, not " + workers);
        }
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("stress-ng load must be 1..100 %, not " + percent);
        }
        String binary = Commands.require("stress-ng", "stress-ng").toString();
        List<String> command = List.of(
                binary,
                "--cpu",
                Integer.toString(workers),
                "--cpu-load",
                Integer.toString(percent),
                "--cpu-method",
                "matrixprod",
                "--metrics-brief");
        LocalProcess process =
                LocalProcess.start("stress-ng", command, workspace.root(), workspace.log("stress-ng"), Map.of(), false);
        CpuStress stress = new CpuStress(process, workers, percent);
        Wait.until(Duration.ofSeconds(10), "stress-ng's " + workers + " workers running", () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("stress-ng exited: " + process.logTail(20));
            }
            return stress.runningWorkers() >= workers;
        });
        return stress;
    }

    /** How many worker processes stress-ng has forked (children of its process). */
    public int runningWorkers() {
        Commands.Result children = Commands.run(
                List.of("ps", "-o", "pid=", "--ppid", Long.toString(process.pid())), Duration.ofSeconds(5));
        return (int) children.output().lines().filter(line -> !line.isBlank()).count();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.stop(Signal.TERM, Duration.ofSeconds(10));
    }

    @Override
    public String toString() {
        return "stress-ng (" + workers + " CPU workers at " + percent + " %, pid " + process.pid() + ")";
    }
}
