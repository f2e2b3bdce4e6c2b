package io.pgha.local;

import io.pgha.core.HaproxySocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real HAProxy (Debian's {@code haproxy}) in master-worker mode with a master socket, so that a new
 * configuration is loaded without dropping established sessions.
 */
public final class Haproxy implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final Workspace workspace;
    private final Path dir;
    private final Path config;
    private final Path masterSocket;
    private LocalProcess process;

    private Haproxy(Workspace workspace, Path dir) {
        this.workspace = workspace;
        this.dir = dir;
        this.config = dir.resolve("haproxy.cfg");
        this.masterSocket = dir.resolve("master.sock");
    }

    /**
     * Validates {@code configText}, starts HAProxy with it and waits until its master answers and a
     * worker runs.
     */
    public static Haproxy start(Workspace workspace, String configText) {
        Haproxy haproxy = new Haproxy(workspace, workspace.dir("haproxy"));
        haproxy.writeValidated(configText);
        haproxy.startProcess();
        return haproxy;
    }

    /** The binary, or an error naming Debian's {@code haproxy} package. */
    public static Path binary() {
        return Commands.require("haproxy", "haproxy");
    }

    /** {@code haproxy -c -f file}: exit 0 when the file is a valid configuration. */
    public static Commands.Result validate(Path file) {
        return Commands.run(List.of(binary().toString(), "-c", "-f", file.toString()), Duration.ofSeconds(20));
    }

    public Path config() {
        return config;
    }

    public Path masterSocket() {
        return masterSocket;
    }

    public LocalProcess process() {
        return process;
    }

    /**
     * Validates {@code configText}, swaps it in atomically and reloads through the master socket;
     * returns once a new worker serves. An invalid configuration is refused and the old one stays.
     */
    public synchronized void reload(String configText) {
        long workerBefore = currentWorkerPid();
        writeValidated(configText);
        masterCommand("reload");
        Wait.until(READY_TIMEOUT, "HAProxy reloaded (a new worker replaced " + workerBefore + ")", () -> {
            long worker = currentWorkerPid();
            return worker > 0 && worker != workerBefore;
        });
    }

    /**
     * Sends one command to the master CLI and returns its answer ({@code show proc}, {@code reload});
     * gives up after 5 s.
     */
    public String masterCommand(String command) {
        try {
            return HaproxySocket.send(masterSocket, command, Duration.ofSeconds(5));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "HAProxy master socket " + masterSocket + " did not take '" + command
                            + "' (is HAProxy running? see " + workspace.log("haproxy") + "): " + e.getMessage(),
                    e);
        }
    }

    /**
     * The PID of the current worker: the {@code worker} line of {@code show proc} with 0 reloads, or -1
     * when there is none. A successful reload replaces it.
     */
    public long currentWorkerPid() {
        for (String line : masterCommand("show proc").split("\n")) {
            String[] fields = line.trim().split("\\s+");
            // <PID> <type> <reloads> <uptime> <version>
            if (fields.length >= 3 && fields[1].equals("worker") && fields[2].equals("0")) {
                return Long.parseLong(fields[0]);
            }
        }
        return -1;
    }

    /** The master's reload count from {@code show proc} (failed reloads included). */
    public int masterReloads() {
        for (String line : masterCommand("show proc").split("\n")) {
            String[] fields = line.trim().split("\\s+");
            // <PID> master <reloads> [failed: n] <uptime> <version>
            if (fields.length >= 3 && fields[1].equals("master")) {
                return Integer.parseInt(fields[2]);
            }
        }
        throw new IllegalStateException("no master line in HAProxy's 'show proc'");
    }

    /** Stops master and workers (SIGTERM). */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Signal.TERM, Duration.ofSeconds(10));
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void startProcess() {
        List<String> command =
                List.of(binary().toString(), "-W", "-S", masterSocket + ",mode,600", "-f", config.toString());
        process =
                LocalProcess.start("haproxy", command, dir, workspace.log("haproxy"), Map.of(), workspace.persistent());
        process.awaitReady(
                READY_TIMEOUT,
                "HAProxy master answering with a running worker",
                () -> Files.exists(masterSocket) && currentWorkerPid() > 0,
                30);
    }

    private void writeValidated(String configText) {
        try {
            Path candidate = dir.resolve("haproxy.cfg.new");
            Files.writeString(candidate, configText);
            Commands.Result result = validate(candidate);
            if (!result.ok()) {
                Files.deleteIfExists(candidate);
                throw new IllegalArgumentException("HAProxy refused the configuration: " + result.output());
            }
            Files.move(candidate, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + config, e);
        }
    }
}
