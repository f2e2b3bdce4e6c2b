package io.pgha.renderer.service;

import io.pgha.renderer.haproxy.HaproxyControl;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A {@link HaproxyControl} in memory: a file, a validator, counted reloads and recorded runtime commands. */
final class InMemoryHaproxy implements HaproxyControl {
    volatile String file;
    volatile String candidate;
    volatile Predicate<String> valid = text -> true;
    volatile boolean reachable = true;
    final List<String> runtimeCommands = new CopyOnWriteArrayList<>();
    final List<String> reloaded = new CopyOnWriteArrayList<>();
    /** Runtime commands and reloads ("reload") in the order they happened. */
    final List<String> journal = new CopyOnWriteArrayList<>();

    volatile int writes;
    /** What {@code show proc} answers. */
    volatile String showProc = "#<PID> <type>\n1 master 0 [failed: 0]\n# workers\n2 worker 0 0d\n# programs\n";
    /** What {@code @!<pid> show sess} answers, per old worker. */
    final java.util.Map<Long, String> sessions = new java.util.concurrent.ConcurrentHashMap<>();
    /** An old worker whose sessions do not end when told to. */
    volatile boolean stickySessions;
    /** What a runtime command answers instead of nothing (by its text). */
    final java.util.Map<String, String> answers = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Optional<String> currentConfig() {
        return Optional.ofNullable(file);
    }

    @Override
    public Validation validate(String text) {
        candidate = text;
        return valid.test(text) ? new Validation(true, "valid") : new Validation(false, "[ALERT] invalid");
    }

    @Override
    public void install() {
        file = candidate;
        writes++;
    }

    @Override
    public void restore(String text) {
        file = text;
    }

    @Override
    public void reload() {
        if (!reachable) {
            throw new HaproxyException("master socket missing", true, null);
        }
        reloaded.add(file);
        journal.add("reload");
    }

    @Override
    public String runtime(String command) {
        if (!reachable) {
            throw new HaproxyException("runtime socket missing", true, null);
        }
        runtimeCommands.add(command);
        journal.add(command);
        return answers.getOrDefault(command, "");
    }

    @Override
    public String showProc() {
        if (!reachable) {
            throw new HaproxyException("master socket missing", true, null);
        }
        return showProc;
    }

    @Override
    public String onWorker(long pid, String command) {
        if (!reachable) {
            throw new HaproxyException("master socket missing", true, null);
        }
        journal.add("@!" + pid + " " + command);
        if (command.equals("show sess")) {
            return sessions.getOrDefault(pid, "");
        }
        if (command.startsWith("shutdown session ") && !stickySessions) {
            String ptr = command.substring("shutdown session ".length());
            sessions.computeIfPresent(
                    pid,
                    (p, text) -> String.join(
                            "\n",
                            text.lines().filter(l -> !l.startsWith(ptr + ":")).toList()));
        }
        return "";
    }
}
