package io.pgha.renderer.pool;

import io.pgha.core.PgBouncerAdmin;
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
 * through core's {@link PgBouncerAdmin} ({@code psql} to the {@code pgbouncer} database).
 */
public final class ProcessPgBouncerControl implements PgBouncerControl {
    private final PoolSettings settings;
    private final PgBouncerAdmin console;

    public ProcessPgBouncerControl(PoolSettings settings, Duration timeout) {
        this.settings = settings;
        this.console = new PgBouncerAdmin(
                settings.psql(),
                settings.listenAddress().equals("0.0.0.0") ? "127.0.0.1" : settings.listenAddress(),
                settings.port(),
                settings.adminUser(),
                settings.adminPassword(),
                timeout);
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
        run(console, command);
    }

    @Override
    public void command(String command, Duration timeout) {
        run(
                new PgBouncerAdmin(
                        console.psql(), console.host(), console.port(), console.user(), console.password(), timeout),
                command);
    }

    @Override
    public boolean paused(String db) {
        return run(console, "SHOW DATABASES").stream()
                .anyMatch(row -> db.equals(row.get("name")) && "1".equals(row.get("paused")));
    }

    private List<Map<String, String>> run(PgBouncerAdmin admin, String command) {
        try {
            return admin.run(command);
        } catch (PgBouncerAdmin.AdminException e) {
            throw new PgBouncerException(e.getMessage() + " (pgha.renderer.pool.psql: " + settings.psql() + ")", e);
        }
    }
}
