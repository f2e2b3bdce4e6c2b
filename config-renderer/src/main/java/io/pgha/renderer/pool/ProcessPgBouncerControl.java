package io.pgha.renderer.pool;

import io.pgha.core.BoundedCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real PgBouncer: the file is written beside the old one and renamed over it; admin commands go
 * through {@code psql} to the {@code pgbouncer} database (the JDBC driver cannot: it sends
 * {@code SET extra_float_digits} at connect, which the admin console refuses).
 */
public final class ProcessPgBouncerControl implements PgBouncerControl {
    private final PoolSettings settings;
    private final Duration timeout;

    public ProcessPgBouncerControl(PoolSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    @Override
    public Optional<String> currentConfig() {
        try {
            return Files.exists(settings.configPath())
                    ? Optional.of(Files.readString(settings.configPath()))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void install(String text) {
        Path target = settings.configPath();
        Path candidate = target.resolveSibling(target.getFileName() + ".candidate");
        try {
            Files.writeString(candidate, text);
            Files.move(candidate, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PgBouncerException("could not write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void command(String command) {
        List<String> psql = List.of(
                settings.psql(),
                "-X",
                "-q",
                "-A",
                "-h",
                settings.listenAddress().equals("0.0.0.0") ? "127.0.0.1" : settings.listenAddress(),
                "-p",
                Integer.toString(settings.port()),
                "-U",
                settings.adminUser(),
                "-d",
                "pgbouncer",
                "-c",
                command);
        BoundedCommand.Result result;
        try {
            result = BoundedCommand.run(
                    psql, Map.of("PGPASSWORD", settings.adminPassword(), "PGCONNECT_TIMEOUT", "3"), timeout);
        } catch (IOException e) {
            throw new PgBouncerException(
                    "could not run " + settings.psql() + " (pgha.renderer.pool.psql): " + e.getMessage(), e);
        }
        if (!result.ok()) {
            throw new PgBouncerException(
                    "PgBouncer's admin console on port " + settings.port() + " did not take '" + command + "'"
                            + (result.timedOut() ? " within " + timeout.toMillis() + " ms" : "") + ": "
                            + result.output().strip(),
                    null);
        }
    }
}
