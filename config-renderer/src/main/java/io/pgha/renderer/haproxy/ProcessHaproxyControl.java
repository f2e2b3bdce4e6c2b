package io.pgha.renderer.haproxy;

import io.pgha.core.BoundedCommand;
import io.pgha.core.HaproxySocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The real {@link HaproxyControl}: an HAProxy in master-worker mode that something else started
 * ({@code haproxy -W -S <master socket> -f <config>}) and that the renderer drives through its files
 * and sockets. It never starts or stops HAProxy, so HAProxy keeps serving while the renderer restarts.
 */
public final class ProcessHaproxyControl implements HaproxyControl {
    private static final Logger LOG = Logger.getLogger(ProcessHaproxyControl.class);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern MASTER_LINE =
            Pattern.compile("^\\s*(\\d+)\\s+master\\s+(\\d+)(?:\\s+\\[failed:\\s*(\\d+)])?", Pattern.MULTILINE);
    private static final Pattern NEW_WORKER = Pattern.compile("^\\s*\\d+\\s+worker\\s+0\\s", Pattern.MULTILINE);

    private final String binary;
    private final Path config;
    private final Path candidate;
    private final Path masterSocket;
    private final Path runtimeSocket;
    private final Path stateFile;
    private final Duration validateTimeout;
    private final Duration reloadTimeout;

    public ProcessHaproxyControl(
            String binary,
            Path config,
            Path masterSocket,
            Path runtimeSocket,
            Path stateFile,
            Duration validateTimeout,
            Duration reloadTimeout) {
        this.binary = binary;
        this.config = config.toAbsolutePath();
        this.candidate = this.config.resolveSibling(this.config.getFileName() + ".candidate");
        this.masterSocket = masterSocket;
        this.runtimeSocket = runtimeSocket;
        this.stateFile = stateFile;
        this.validateTimeout = validateTimeout;
        this.reloadTimeout = reloadTimeout;
    }

    @Override
    public Optional<String> currentConfig() {
        try {
            return Optional.of(Files.readString(config));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the HAProxy configuration " + config, e);
        }
    }

    /**
     * {@code haproxy -c -f <candidate>}, bounded by {@code validateTimeout}: a check that hangs (or a
     * child of it that keeps its output open) is killed with its child processes and counts as refused.
     */
    @Override
    public Validation validate(String text) {
        try {
            Files.createDirectories(candidate.getParent());
            Files.writeString(candidate, text);
            BoundedCommand.Result check =
                    BoundedCommand.run(List.of(binary, "-c", "-f", candidate.toString()), Map.of(), validateTimeout);
            if (check.timedOut()) {
                return new Validation(
                        false,
                        binary + " -c did not finish within " + validateTimeout.toMillis()
                                + " ms (pgha.renderer.haproxy.validate-timeout): "
                                + check.output().strip());
            }
            return new Validation(check.ok(), check.output().strip());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not validate a candidate configuration with '" + binary
                            + " -c' (is HAProxy installed? set pgha.renderer.haproxy.binary)",
                    e);
        }
    }

    @Override
    public void install() {
        try {
            Files.move(candidate, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not swap " + candidate + " over " + config, e);
        }
    }

    @Override
    public void restore(String text) {
        try {
            Path restoring = config.resolveSibling(config.getFileName() + ".restore");
            Files.writeString(restoring, text);
            Files.move(restoring, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not restore the last good configuration to " + config, e);
        }
    }

    @Override
    public void reload() {
        MasterStatus before;
        try {
            before = masterStatus();
        } catch (IOException e) {
            throw new HaproxyException(
                    "HAProxy's master socket " + masterSocket + " does not answer (" + e.getMessage()
                            + "): is HAProxy running with -W -S " + masterSocket + "?",
                    true,
                    e);
        }
        saveServerState();
        try {
            HaproxySocket.send(masterSocket, "reload", SOCKET_TIMEOUT);
        } catch (IOException e) {
            // The master re-executes itself on reload and may drop the connection first: the status tells.
            LOG.debugf("reload command on %s: %s", masterSocket, e.getMessage());
        }
        long deadline = System.nanoTime() + reloadTimeout.toNanos();
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                String proc = HaproxySocket.send(masterSocket, "show proc", SOCKET_TIMEOUT);
                MasterStatus now = MasterStatus.parse(proc);
                if (now.reloads() > before.reloads()) {
                    if (now.failed() > before.failed()) {
                        throw new HaproxyException(
                                "HAProxy failed to load the new configuration and keeps the old one: " + startupLogs(),
                                false,
                                null);
                    }
                    if (NEW_WORKER.matcher(proc).find()) {
                        return;
                    }
                }
                last = null;
            } catch (IOException e) {
                last = e; // the master is re-executing itself
            }
            pause();
        }
        throw new HaproxyException(
                "HAProxy did not report the outcome of a reload within " + reloadTimeout.toMillis() + " ms"
                        + (last == null ? "" : " (" + last.getMessage() + ")"),
                last != null,
                last);
    }

    @Override
    public String runtime(String command) {
        try {
            return HaproxySocket.send(runtimeSocket, command, SOCKET_TIMEOUT).strip();
        } catch (IOException e) {
            throw new HaproxyException(
                    "HAProxy's runtime API " + runtimeSocket + " did not take '" + command + "': " + e.getMessage(),
                    true,
                    e);
        }
    }

    @Override
    public String showProc() {
        try {
            return HaproxySocket.send(masterSocket, "show proc", SOCKET_TIMEOUT);
        } catch (IOException e) {
            throw new HaproxyException(
                    "HAProxy's master socket " + masterSocket + " did not answer 'show proc': " + e.getMessage(),
                    true,
                    e);
        }
    }

    @Override
    public String onWorker(long pid, String command) {
        try {
            return HaproxySocket.send(masterSocket, "@!" + pid + " " + command, SOCKET_TIMEOUT)
                    .strip();
        } catch (IOException e) {
            throw new HaproxyException(
                    "HAProxy's master socket " + masterSocket + " did not take '@!" + pid + " " + command + "': "
                            + e.getMessage(),
                    true,
                    e);
        }
    }

    /**
     * Saves {@code show servers state} where the configuration's {@code server-state-file} points, so
     * the new worker starts every known server in the state the old one knew (a new worker would
     * otherwise take every server as up until its first check). Best effort: without it the reload
     * still happens.
     */
    private void saveServerState() {
        if (stateFile == null) {
            return;
        }
        try {
            String state = HaproxySocket.send(runtimeSocket, "show servers state", SOCKET_TIMEOUT);
            Path saving = stateFile.resolveSibling(stateFile.getFileName() + ".saving");
            Files.writeString(saving, state);
            Files.move(saving, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warnf(
                    "could not save server states to %s before the reload (%s): servers start as HAProxy"
                            + " assumes by default",
                    stateFile, e.getMessage());
        }
    }

    private MasterStatus masterStatus() throws IOException {
        return MasterStatus.parse(HaproxySocket.send(masterSocket, "show proc", SOCKET_TIMEOUT));
    }

    private String startupLogs() {
        try {
            String logs = HaproxySocket.send(masterSocket, "show startup-logs", SOCKET_TIMEOUT)
                    .strip();
            return logs.isEmpty() ? "(no startup logs)" : logs;
        } catch (IOException e) {
            return "(startup logs unavailable: " + e.getMessage() + ")";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for HAProxy to reload", e);
        }
    }

    /** The master's line of {@code show proc}: reloads so far and how many of them failed. */
    record MasterStatus(int reloads, int failed) {
        static MasterStatus parse(String showProc) throws IOException {
            Matcher line = MASTER_LINE.matcher(showProc);
            if (!line.find()) {
                throw new IOException("unexpected answer to 'show proc': " + showProc.strip());
            }
            return new MasterStatus(
                    Integer.parseInt(line.group(2)), line.group(3) == null ? 0 : Integer.parseInt(line.group(3)));
        }
    }
}
