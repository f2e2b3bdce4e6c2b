package io.pgha.renderer.haproxy;

import java.util.Optional;

/**
 * Everything the renderer does to HAProxy: read and swap its configuration file, validate a
 * candidate, reload through the master socket, talk to the runtime API. The real one is
 * {@link ProcessHaproxyControl}; tests of logic use an in-memory one.
 */
public interface HaproxyControl {
    /** The configuration file as it is on disk, if there is one. */
    Optional<String> currentConfig();

    /** {@code haproxy -c} on {@code text}; the candidate is kept for {@link #install()} when valid. */
    Validation validate(String text);

    /** Moves the last valid candidate over the configuration file atomically. */
    void install();

    /** Writes {@code text} over the configuration file atomically, without validating (to restore the last good one). */
    void restore(String text);

    /**
     * Asks the master to reload and returns once it reports the outcome.
     *
     * @throws HaproxyException when the master cannot be reached (retriable) or the new configuration failed to load
     */
    void reload();

    /** One runtime API command; its answer (empty when it succeeded silently). */
    String runtime(String command);

    /** The master's {@code show proc} (the current worker and the old ones a reload replaced). */
    String showProc();

    /** One command on the worker {@code pid} through the master CLI ({@code @!<pid> <command>}); its answer. */
    String onWorker(long pid, String command);

    /** The result of {@code haproxy -c}. */
    record Validation(boolean valid, String output) {}

    /** HAProxy could not do what was asked. */
    final class HaproxyException extends RuntimeException {
        private final boolean unreachable;

        public HaproxyException(String message, boolean unreachable, Throwable cause) {
            super(message, cause);
            this.unreachable = unreachable;
        }

        /** True when HAProxy was not reachable at all (not running yet, socket missing): try again later. */
        public boolean unreachable() {
            return unreachable;
        }
    }
}
