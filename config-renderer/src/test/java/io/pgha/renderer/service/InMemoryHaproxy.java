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
        return "";
    }
}
