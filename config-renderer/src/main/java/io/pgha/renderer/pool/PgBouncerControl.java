package io.pgha.renderer.pool;

import java.util.Optional;

/** The PgBouncer beside this renderer: its configuration file and its admin console. */
public interface PgBouncerControl {
    /** The configuration file's current text, if it exists. */
    Optional<String> currentConfig();

    /** Replaces the configuration file atomically. */
    void install(String text);

    /** An admin console command ({@code RELOAD}, {@code PAUSE postgres}, {@code RESUME postgres}). */
    void command(String command);

    /** {@link #command(String)}, bounded by {@code timeout} instead of the default. */
    void command(String command, java.time.Duration timeout);

    /** True when database {@code db} is paused ({@code SHOW DATABASES}, column {@code paused}). */
    boolean paused(String db);

    /** An admin console command failed or PgBouncer could not be reached. */
    final class PgBouncerException extends RuntimeException {
        public PgBouncerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
