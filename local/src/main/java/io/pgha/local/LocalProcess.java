package io.pgha.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real component running as a child process in its own process group (it is started through
 * {@code setsid}, so its PID is also its group id), with its output captured to a log file.
 *
 * <p>Unless it is detached (the processes of {@code ./pgha up} outlive the launcher), it is registered
 * with {@link ProcessRegistry}, whose shutdown hook kills its group if nobody closed it.
 */
public final class LocalProcess implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalProcess.class.getName());

    private final String name;
    private final long pid;
    private final Path log;
    private final Process process;
    private final boolean detached;

    private LocalProcess(String name, long pid, Path log, Process process, boolean detached) {
        this.name = name;
        this.pid = pid;
        this.log = log;
        this.process = process;
        this.detached = detached;
    }

    /**
     * Starts {@code command} in a new session and process group.
     *
     * @param log where stdout and stderr go (appended)
     * @param detached true for a process that must outlive this JVM
     */
    public static LocalProcess start(
            String name, List<String> command, Path workDir, Path log, Map<String, String> env, boolean detached) {
        List<String> full = new ArrayList<>();
        full.add(Commands.require("setsid", "util-linux").toString());
        full.addAll(command);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(
                    log,
                    "# " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            LocalProcess started = new LocalProcess(name, process.pid(), log, process, detached);
            if (!detached) {
                ProcessRegistry.register(started);
            }
            LOG.log(System.Logger.Level.INFO, "started {0} (pid {1}), log {2}", name, started.pid, log);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", command), e);
        }
    }

    public String name() {
        return name;
    }

    /** The PID, which is also the process group id. */
    public long pid() {
        return pid;
    }

    public Path log() {
        return log;
    }

    /** True while the main process runs (a paused process is alive). */
    public boolean isAlive() {
        return process != null ? process.isAlive() : isAlive(pid);
    }

    /** True while any process of the group is left (the main one or children such as PostgreSQL backends). */
    public boolean groupAlive() {
        return groupAlive(pid);
    }

    /** Sends {@code signal} to the main process only (say, kill -9 of a postmaster but not its backends). */
    public void signal(Signal signal) {
        send(signal, Long.toString(pid));
    }

    /** Sends {@code signal} to every process of the group. */
    public void signalGroup(Signal signal) {
        signalGroup(pid, signal);
    }

    /** kill -9 of the whole group, returning once no process of it is left. */
    public void kill() {
        signalGroup(Signal.KILL);
        awaitGroupGone(Duration.ofSeconds(10));
    }

    /** Freezes the whole group (SIGSTOP). */
    public void pause() {
        signalGroup(Signal.STOP);
    }

    /** Thaws the whole group (SIGCONT). */
    public void resume() {
        signalGroup(Signal.CONT);
    }

    /**
     * Stops the group: {@code signal} first, SIGKILL once {@code grace} has passed; returns when no
     * process of the group is left.
     */
    public void stop(Signal signal, Duration grace) {
        stopGroup(pid, signal, grace);
        if (process != null) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ProcessRegistry.unregister(this);
    }

    /**
     * Waits until {@code ready} holds while the process runs; on failure the error carries the last
     * {@code logLines} lines of its log.
     */
    public void awaitReady(Duration timeout, String what, Wait.Check ready, int logLines) {
        try {
            Wait.until(timeout, what, ready, this::isAlive);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\n--- " + name + " log ---\n" + logTail(logLines), e);
        }
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        return tail(log, lines);
    }

    /** Stops with SIGTERM and a 10 s grace. */
    @Override
    public void close() {
        stop(Signal.TERM, Duration.ofSeconds(10));
    }

    boolean detached() {
        return detached;
    }

    void awaitGroupGone(Duration timeout) {
        Wait.until(timeout, name + " (process group " + pid + ") gone", () -> !groupAlive(pid));
        if (process != null) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // --- by PID, for processes that another JVM started (./pgha down) ---

    /** True while a process with this PID exists and is not a zombie. */
    public static boolean isAlive(long pid) {
        String stat = readStat(pid);
        return stat != null && stateOf(stat) != 'Z';
    }

    /** True while any live process belongs to process group {@code pgid}. */
    public static boolean groupAlive(long pgid) {
        File[] entries = new File("/proc").listFiles();
        if (entries == null) {
            return isAlive(pgid);
        }
        for (File entry : entries) {
            String fileName = entry.getName();
            if (!fileName.chars().allMatch(Character::isDigit)) {
                continue;
            }
            String stat = readStat(Long.parseLong(fileName));
            if (stat == null || stateOf(stat) == 'Z') {
                continue;
            }
            String[] afterComm = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after comm: state ppid pgrp ...
            if (afterComm.length > 2 && Long.parseLong(afterComm[2]) == pgid) {
                return true;
            }
        }
        return false;
    }

    /** Sends {@code signal} to process group {@code pgid}; a group that is already gone is fine. */
    public static void signalGroup(long pgid, Signal signal) {
        send(signal, "-" + pgid);
    }

    /** {@code signal} to the group, SIGKILL after {@code grace}; returns when the group is gone. */
    public static void stopGroup(long pgid, Signal signal, Duration grace) {
        if (!groupAlive(pgid)) {
            return;
        }
        signalGroup(pgid, Signal.CONT); // a paused group cannot act on the signal
        signalGroup(pgid, signal);
        try {
            Wait.until(grace, "process group " + pgid + " stops on SIG" + signal, () -> !groupAlive(pgid));
        } catch (IllegalStateException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "process group {0} ignored SIG{1} for {2}: SIGKILL",
                    pgid,
                    signal,
                    grace);
            signalGroup(pgid, Signal.KILL);
            Wait.until(
                    Duration.ofSeconds(10), "process group " + pgid + " gone after SIGKILL", () -> !groupAlive(pgid));
        }
    }

    /** The last {@code lines} lines of a file, or a note that it cannot be read. */
    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static void send(Signal signal, String target) {
        Commands.run(List.of("kill", "-s", signal.name(), "--", target), Duration.ofSeconds(5));
    }

    private static String readStat(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    private static char stateOf(String stat) {
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Override
    public String toString() {
        return name + " (pid " + pid + ")";
    }
}
