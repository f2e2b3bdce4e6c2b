package io.pgha.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real PgBouncer (Debian's {@code pgbouncer}) in the foreground on 127.0.0.1, running a
 * configuration its caller gives, with a client of its admin console ({@code SHOW POOLS},
 * {@code RELOAD}, {@code PAUSE}, {@code RESUME}).
 *
 * <p>PgBouncer refuses to run as root, so it runs as {@link OsUser#forPostgres()} in a folder that user
 * owns ({@link #directory(Workspace)}); the caller's {@code pgbouncer.ini} names that folder's files
 * ({@code auth_file}, ...) and must listen on loopback only, with {@code unix_socket_dir} empty and
 * {@code extra_float_digits} among {@code ignore_startup_parameters} (the JDBC driver sends it to
 * pooled databases).
 * The admin console is reached with {@code psql} (PostgreSQL's client, beside the server binaries) as
 * the {@link AdminLogin} the configuration lists in {@code admin_users}.
 */
public final class PgBouncer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    /** The admin console's database name. */
    public static final String ADMIN_DATABASE = "pgbouncer";

    private static final String FIELD_SEPARATOR = "\u001f";

    /** A user listed in {@code admin_users} and in {@code auth_file}, to reach the admin console. */
    public record AdminLogin(String user, String password) {
        @Override
        public String toString() {
            return "AdminLogin[" + user + "]"; // never the password
        }
    }

    private final Workspace workspace;
    private final Path dir;
    private final int port;
    private final AdminLogin admin;
    private LocalProcess process;

    private PgBouncer(Workspace workspace, Path dir, int port, AdminLogin admin) {
        this.workspace = workspace;
        this.dir = dir;
        this.port = port;
        this.admin = admin;
    }

    /**
     * The folder PgBouncer runs in ({@code <workspace>/pgbouncer}), owned by PostgreSQL's OS user:
     * render {@code pgbouncer.ini} and its {@code auth_file} with paths inside it.
     */
    public static Path directory(Workspace workspace) {
        return OsUser.forPostgres().ownedDir(workspace.dirReachableBy(OsUser.forPostgres(), "pgbouncer"));
    }

    /**
     * Writes {@code text} to {@code <directory>/<name>} (an {@code auth_file}, say), readable by
     * PgBouncer's OS user only (mode 600), atomically.
     */
    public static Path writePrivateFile(Workspace workspace, String name, String text) {
        Path dir = directory(workspace);
        Path target = dir.resolve(name);
        try {
            Path candidate = dir.resolve(name + ".new");
            Files.deleteIfExists(candidate);
            Files.createFile(
                    candidate, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(candidate, text);
            if (!OsUser.forPostgres().owns(candidate)) {
                Files.setOwner(
                        candidate,
                        candidate
                                .getFileSystem()
                                .getUserPrincipalLookupService()
                                .lookupPrincipalByName(OsUser.forPostgres().name()));
            }
            Files.move(candidate, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        }
    }

    /**
     * Writes {@code iniText} to {@code <directory>/pgbouncer.ini}, starts PgBouncer with it and returns
     * once its admin console answers on {@code port} (which the configuration's {@code listen_port}
     * must name: take it from {@link Ports#free()}, never the default 6432, in tests).
     */
    public static PgBouncer start(Workspace workspace, String iniText, int port, AdminLogin admin) {
        PgBouncer bouncer = new PgBouncer(workspace, directory(workspace), port, admin);
        bouncer.writeConfig(iniText);
        bouncer.startProcess();
        return bouncer;
    }

    /** The binary, or an error naming Debian's {@code pgbouncer} package. */
    public static Path binary() {
        return Commands.require("pgbouncer", "pgbouncer");
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** The configuration file PgBouncer runs with. */
    public Path config() {
        return dir.resolve("pgbouncer.ini");
    }

    public LocalProcess process() {
        return process;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}: a pooled database of the configuration. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port + "/" + database;
    }

    /**
     * Replaces the configuration file (atomically) and sends {@code RELOAD}: PgBouncer re-reads it
     * without dropping a client connection.
     */
    public synchronized void reload(String iniText) {
        writeConfig(iniText);
        admin("RELOAD");
    }

    /**
     * Runs one admin console command ({@code SHOW POOLS}, {@code RELOAD}, {@code PAUSE},
     * {@code RESUME}, ...) through {@code psql} and returns its rows (column name to text value; empty
     * for a command without rows). {@code PAUSE} returns once every server connection is released.
     * (Not JDBC: the driver sends {@code SET extra_float_digits} at connect, which the admin console
     * refuses with "SET failed".)
     */
    public List<Map<String, String>> admin(String command) {
        Commands.Result result = Commands.run(
                List.of(
                        PostgresNode.binDir().resolve("psql").toString(),
                        "-X",
                        "-q",
                        "-A",
                        "-F",
                        FIELD_SEPARATOR,
                        "-P",
                        "footer=off",
                        "-h",
                        Ports.LOOPBACK,
                        "-p",
                        Integer.toString(port),
                        "-U",
                        admin.user(),
                        "-d",
                        ADMIN_DATABASE,
                        "-c",
                        command),
                Map.of("PGPASSWORD", admin.password(), "PGCONNECT_TIMEOUT", "5"),
                Duration.ofSeconds(40));
        if (!result.ok()) {
            throw new IllegalStateException("PgBouncer's admin console on " + Ports.LOOPBACK + ":" + port
                    + " refused '" + command + "' (" + result.output().strip() + "); see "
                    + workspace.log("pgbouncer"));
        }
        return rows(result.output());
    }

    /** psql's unaligned output (a header line, then one line per row) as rows. */
    static List<Map<String, String>> rows(String output) {
        List<Map<String, String>> rows = new ArrayList<>();
        List<String> lines = output.lines().filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            return rows;
        }
        String[] header = lines.get(0).split(FIELD_SEPARATOR, -1);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(FIELD_SEPARATOR, -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], i < fields.length ? fields[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    /** Stops PgBouncer (SIGTERM: immediate shutdown, clients are disconnected). */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Signal.TERM, Duration.ofSeconds(10));
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean adminAnswers() {
        try {
            admin("SHOW VERSION");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private void startProcess() {
        List<String> command = new ArrayList<>(OsUser.forPostgres().commandPrefix());
        command.add(binary().toString());
        command.add(config().toString());
        process = LocalProcess.start(
                "pgbouncer", command, dir, workspace.log("pgbouncer"), Map.of(), workspace.persistent());
        process.awaitReady(
                READY_TIMEOUT,
                "PgBouncer's admin console answering on " + Ports.LOOPBACK + ":" + port,
                this::adminAnswers,
                30);
    }

    private void writeConfig(String iniText) {
        try {
            Path candidate = dir.resolve("pgbouncer.ini.new");
            Files.writeString(candidate, iniText);
            Files.setPosixFilePermissions(candidate, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(candidate, config(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + config(), e);
        }
    }
}
