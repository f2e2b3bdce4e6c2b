package io.pgha.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real PostgreSQL 15 instance run as an unprivileged OS user ({@link OsUser}), listening on a
 * loopback address. A primary is made with initdb; a replica is cloned from a primary with
 * pg_basebackup and streams from it (plain PostgreSQL replication; pgha's agents take this over).
 */
public final class PostgresNode implements AutoCloseable {
    /** System property (or env {@code PGHA_PG_BIN}) naming PostgreSQL's bin folder. */
    public static final String BIN_PROPERTY = "pgha.pg.bin";

    public static final String SUPERUSER = "postgres";
    private static final String PACKAGE = "postgresql-15";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Workspace workspace;
    private final String name;
    private final String host;
    private final int port;
    private final NetworkNamespace namespace;
    private final Path dataDir;
    private final Path socketDir;
    private LocalProcess process;

    private PostgresNode(Workspace workspace, String name, String host, int port, NetworkNamespace namespace) {
        this.workspace = workspace;
        this.name = name;
        this.host = host;
        this.port = port;
        this.namespace = namespace;
        OsUser user = OsUser.forPostgres();
        Path nodeDir = workspace.dirReachableBy(user, "postgres").resolve(name);
        try {
            Files.createDirectories(nodeDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + nodeDir, e);
        }
        this.dataDir = nodeDir.resolve("data");
        this.socketDir = user.ownedDir(nodeDir.resolve("socket"));
    }

    /** How a node is placed: its name, address, port and (optionally) network namespace. */
    public record Placement(String name, String host, int port, NetworkNamespace namespace) {
        /** On 127.0.0.1, a free port. */
        public static Placement loopback(String name) {
            return new Placement(name, Ports.LOOPBACK, Ports.free(), null);
        }

        /** On 127.0.0.1, a fixed port. */
        public static Placement loopback(String name, int port) {
            return new Placement(name, Ports.LOOPBACK, port, null);
        }

        /** Inside {@code namespace}, on its address. */
        public static Placement in(NetworkNamespace namespace, String name) {
            return new Placement(name, namespace.address(), Ports.free(), namespace);
        }
    }

    /** A new primary: initdb (unless the data dir already holds a cluster), start, wait until it serves. */
    public static PostgresNode primary(Workspace workspace, Placement placement) {
        PostgresNode node = new PostgresNode(
                workspace, placement.name(), placement.host(), placement.port(), placement.namespace());
        if (!node.initialized()) {
            node.initdb();
        }
        node.start();
        return node;
    }

    /**
     * A new streaming replica of {@code primary}: pg_basebackup with its own replication slot (unless
     * the data dir already holds a cluster), start, wait until it streams.
     */
    public static PostgresNode replica(Workspace workspace, Placement placement, PostgresNode primary) {
        PostgresNode node = new PostgresNode(
                workspace, placement.name(), placement.host(), placement.port(), placement.namespace());
        if (!node.initialized()) {
            node.cloneFrom(primary);
        }
        node.start();
        node.awaitStreaming(READY_TIMEOUT);
        return node;
    }

    /** PostgreSQL's bin folder: {@value #BIN_PROPERTY}, {@code PGHA_PG_BIN} or Debian's. */
    public static Path binDir() {
        String configured = System.getProperty(BIN_PROPERTY, System.getenv("PGHA_PG_BIN"));
        return Path.of(configured != null && !configured.isBlank() ? configured : "/usr/lib/postgresql/15/bin");
    }

    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public LocalProcess process() {
        return process;
    }

    /** JDBC URL of database {@code postgres} as the superuser. */
    public String jdbcUrl() {
        return jdbcUrl(host, port);
    }

    /** JDBC URL of database {@code postgres} as the superuser, on any address and port (HAProxy's). */
    public static String jdbcUrl(String host, int port) {
        return "jdbc:postgresql://" + host + ":" + port + "/postgres?user=" + SUPERUSER
                + "&connectTimeout=3&socketTimeout=30&ApplicationName=pgha-local";
    }

    /** A new connection to this node as the superuser. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /** True when this node accepts a connection and answers {@code SELECT 1}. */
    public boolean accepting() {
        return canQuery(jdbcUrl());
    }

    /** True when this node runs as a standby. */
    public boolean inRecovery() throws SQLException {
        return Boolean.TRUE.equals(queryValue("SELECT pg_is_in_recovery()"));
    }

    /** The first column of the first row of {@code sql}, or null. */
    public Object queryValue(String sql) throws SQLException {
        return queryValue(jdbcUrl(), sql);
    }

    /** The first column of the first row of {@code sql} on {@code jdbcUrl}, or null. */
    public static Object queryValue(String jdbcUrl, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getObject(1) : null;
        }
    }

    /** Runs a statement that returns no rows. */
    public void execute(String sql) throws SQLException {
        execute(jdbcUrl(), sql);
    }

    /** Runs a statement that returns no rows on {@code jdbcUrl}. */
    public static void execute(String jdbcUrl, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** True when {@code SELECT 1} succeeds on {@code jdbcUrl}. */
    public static boolean canQuery(String jdbcUrl) {
        try {
            return Integer.valueOf(1).equals(queryValue(jdbcUrl, "SELECT 1"));
        } catch (SQLException e) {
            return false;
        }
    }

    /** Starts the postmaster (again, after a stop or kill) and waits until it accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("PostgreSQL " + name + " is already running");
        }
        Path postgres = Commands.require(binDir(), "postgres", PACKAGE);
        List<String> command = new ArrayList<>();
        if (namespace != null) {
            command.addAll(namespace.commandPrefix());
        }
        command.addAll(OsUser.forPostgres().commandPrefix());
        command.addAll(List.of(
                postgres.toString(),
                "-D",
                dataDir.toString(),
                "-c",
                "port=" + port,
                "-c",
                "listen_addresses=" + host,
                "-c",
                "unix_socket_directories=" + socketDir,
                "-c",
                "cluster_name=" + name));
        process = LocalProcess.start(
                "postgres-" + name,
                command,
                dataDir.getParent(),
                workspace.log("postgres-" + name),
                Map.of(),
                workspace.persistent());
        try {
            Wait.until(
                    READY_TIMEOUT,
                    "PostgreSQL " + name + " accepting on " + host + ":" + port,
                    this::accepting,
                    process::isAlive);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\n--- log ---\n" + process.logTail(30), e);
        }
    }

    /** Fast shutdown (SIGINT), SIGKILL after 20 s; returns when no process of it is left. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Signal.INT, Duration.ofSeconds(20));
        }
    }

    /** Waits until this standby's WAL receiver streams. */
    public void awaitStreaming(Duration timeout) {
        Wait.until(
                timeout,
                "PostgreSQL " + name + " streaming from its primary",
                () -> "streaming".equals(queryValue("SELECT status FROM pg_stat_wal_receiver")),
                process::isAlive);
    }

    @Override
    public void close() {
        stop();
    }

    private boolean initialized() {
        return Files.exists(dataDir.resolve("PG_VERSION"));
    }

    private void initdb() {
        OsUser user = OsUser.forPostgres();
        user.ownedDir(dataDir);
        List<String> command = new ArrayList<>(user.commandPrefix());
        command.addAll(List.of(
                Commands.require(binDir(), "initdb", PACKAGE).toString(),
                "-D",
                dataDir.toString(),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--data-checksums",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync"));
        Commands.run(command, Duration.ofSeconds(120)).orThrow();
        try {
            Files.writeString(
                    dataDir.resolve("postgresql.conf"),
                    String.join(
                            "\n",
                            "",
                            "# pgha local",
                            "wal_level = replica",
                            "max_wal_senders = 10",
                            "max_replication_slots = 10",
                            "wal_keep_size = 64MB",
                            "hot_standby = on",
                            "hot_standby_feedback = on",
                            "wal_log_hints = on",
                            "max_connections = 60",
                            "shared_buffers = 32MB",
                            "log_line_prefix = '%m [%p] %q%u@%d '",
                            ""),
                    java.nio.file.StandardOpenOption.APPEND);
            // Loopback only: 127.0.0.0/8 also covers this machine's own network namespaces.
            Files.writeString(
                    dataDir.resolve("pg_hba.conf"),
                    String.join(
                            "\n",
                            "local all all trust",
                            "host all all 127.0.0.0/8 trust",
                            "local replication all trust",
                            "host replication all 127.0.0.0/8 trust",
                            ""));
        } catch (IOException e) {
            throw new UncheckedIOException("could not configure " + dataDir, e);
        }
    }

    private void cloneFrom(PostgresNode primary) {
        OsUser user = OsUser.forPostgres();
        user.ownedDir(dataDir);
        String slot = name.toLowerCase().replaceAll("[^a-z0-9_]", "_");
        List<String> command = new ArrayList<>();
        if (namespace != null) {
            command.addAll(namespace.commandPrefix());
        }
        command.addAll(user.commandPrefix());
        command.addAll(List.of(
                Commands.require(binDir(), "pg_basebackup", PACKAGE).toString(),
                "--dbname=host=" + primary.host + " port=" + primary.port + " user=" + SUPERUSER + " application_name="
                        + name,
                "-D",
                dataDir.toString(),
                "-X",
                "stream",
                "-R",
                "-C",
                "-S",
                slot,
                "-c",
                "fast",
                "--no-sync"));
        Commands.run(command, Duration.ofSeconds(180)).orThrow();
    }

    @Override
    public String toString() {
        return "PostgreSQL " + name + " at " + host + ":" + port;
    }
}
