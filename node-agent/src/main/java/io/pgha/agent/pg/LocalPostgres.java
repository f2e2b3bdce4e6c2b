package io.pgha.agent.pg;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/** {@link PostgresControl} for a PostgreSQL instance on this machine, run as a child of the agent. */
public final class LocalPostgres implements PostgresControl {
    private static final Logger LOG = Logger.getLogger(LocalPostgres.class);
    private static final String CONF = "pgha.conf";
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(10);
    private static final java.util.regex.Pattern SLOT = java.util.regex.Pattern.compile("[a-z0-9_]{1,63}");

    /**
     * Everything LocalPostgres needs to know; secrets are never logged. The three passwords are
     * required unless {@code allowTrust} ({@code pgha.postgres.allow-trust}) is set.
     */
    public record Settings(
            String member,
            Path dataDir,
            Path binDir,
            String listenHost,
            int port,
            String allowedCidr,
            boolean fsync,
            Map<String, String> parameters,
            String superuser,
            Optional<String> superuserPassword,
            String replicationUser,
            Optional<String> replicationPassword,
            String monitoringUser,
            Optional<String> monitoringPassword,
            boolean allowTrust,
            Duration stopTimeout,
            Duration sqlTimeout) {
        /** Whether all three passwords are set (then every TCP connection authenticates with SCRAM). */
        boolean passwords() {
            return missingPasswords().isEmpty();
        }

        /** The properties of the passwords that are not set. */
        List<String> missingPasswords() {
            List<String> missing = new ArrayList<>();
            if (superuserPassword.isEmpty()) {
                missing.add("pgha.postgres.superuser.password");
            }
            if (replicationPassword.isEmpty()) {
                missing.add("pgha.postgres.replication.password");
            }
            if (monitoringPassword.isEmpty()) {
                missing.add("pgha.postgres.monitoring.password");
            }
            return missing;
        }

        /**
         * How pg_hba.conf authenticates TCP connections: {@code scram-sha-256} with all three
         * passwords, {@code trust} only when opted in; otherwise an exception naming the properties.
         */
        String hostAuthMethod() {
            List<String> missing = missingPasswords();
            if (missing.isEmpty()) {
                return "scram-sha-256";
            }
            if (allowTrust) {
                return "trust";
            }
            throw new IllegalArgumentException("no password set for " + String.join(", ", missing)
                    + " (each also as a -file property, or PGHA_POSTGRES_..._PASSWORD in the environment): set"
                    + " all three, or set pgha.postgres.allow-trust=true to let anyone from"
                    + " pgha.postgres.allowed-cidr connect without a password (tests only)");
        }
    }

    private final Settings s;
    private final ProcessRunner runner;
    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    private Process postmaster;
    private volatile String synchronousStandbyNames = "";

    /**
     * Fails at start, naming the property, when passwords are missing and trust was not allowed, or
     * when a parameter, role name or allowed-cidr cannot be written safely into PostgreSQL's files.
     */
    public LocalPostgres(Settings settings, ProcessRunner runner) {
        this.s = settings;
        this.runner = runner;
        PgConfigFiles.conf("", settings.parameters());
        hba();
        // a password with a newline would be cut short in initdb's password file and in pgpass
        settings.superuserPassword()
                .ifPresent(p -> PgConfigFiles.requireNoControlCharacter("pgha.postgres.superuser.password", p));
        settings.replicationPassword()
                .ifPresent(p -> PgConfigFiles.requireNoControlCharacter("pgha.postgres.replication.password", p));
        settings.monitoringPassword()
                .ifPresent(p -> PgConfigFiles.requireNoControlCharacter("pgha.postgres.monitoring.password", p));
        if (settings.hostAuthMethod().equals("trust")) {
            LOG.warnf(
                    "pgha.postgres.allow-trust is set and %s not set: PostgreSQL trusts every TCP connection"
                            + " from %s without a password. Use this only for tests.",
                    String.join(", ", settings.missingPasswords()), settings.allowedCidr());
        }
    }

    private Path nodeDir() {
        return s.dataDir().toAbsolutePath().getParent();
    }

    /** The Unix socket's directory: private to the user PostgreSQL runs as (mode 0700). */
    private Path socketDir() {
        return nodeDir().resolve("socket");
    }

    private Path logFile() {
        return nodeDir().resolve("postgresql.log");
    }

    @Override
    public boolean initialized() {
        return Files.exists(s.dataDir().resolve("PG_VERSION"));
    }

    @Override
    public boolean lastRanAsPrimary() {
        ProcessRunner.Result result = runner.run(
                List.of(bin("pg_controldata"), "-D", s.dataDir().toString()), Map.of(), Duration.ofSeconds(30));
        if (!result.ok()) {
            return true; // unknown: assume it may have diverged, rewind decides
        }
        return result.output()
                .lines()
                .filter(line -> line.startsWith("Database cluster state:"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .anyMatch(state -> state.equals("shut down") || state.equals("in production"));
    }

    @Override
    public void initdb() {
        createDataDir();
        List<String> command = new ArrayList<>(List.of(
                bin("initdb"),
                "-D",
                s.dataDir().toString(),
                "-U",
                s.superuser(),
                "--data-checksums",
                "--encoding=UTF8",
                "--locale=C",
                "--auth=trust"));
        if (!s.fsync()) {
            command.add("--no-sync");
        }
        Path pwfile = null;
        try {
            if (s.superuserPassword().isPresent()) {
                pwfile = Files.createTempFile(nodeDir(), "pwfile", "");
                Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
                Files.writeString(pwfile, s.superuserPassword().get() + "\n");
                command.add("--pwfile=" + pwfile);
            }
            runner.run(command, Map.of(), TOOL_TIMEOUT).orThrow();
            Files.writeString(
                    s.dataDir().resolve("postgresql.conf"),
                    "\n# pgha: the agent's settings, rewritten before every start\ninclude_if_exists = '" + CONF
                            + "'\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("initdb in " + s.dataDir() + " failed", e);
        } finally {
            if (pwfile != null) {
                try {
                    Files.deleteIfExists(pwfile);
                } catch (IOException ignored) {
                    // removed with the node dir
                }
            }
        }
    }

    @Override
    public void configure(boolean standby, Optional<Upstream> upstream) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("listen_addresses", s.listenHost());
        conf.put("port", Integer.toString(s.port()));
        conf.put("unix_socket_directories", socketDir().toString());
        conf.put("unix_socket_permissions", "0700");
        conf.put("cluster_name", s.member());
        conf.put("wal_level", "replica");
        conf.put("hot_standby", "on");
        conf.put("max_wal_senders", "10");
        conf.put("max_replication_slots", "10");
        conf.put("max_connections", "50");
        conf.put("wal_keep_size", "128MB");
        conf.put("wal_log_hints", "on");
        conf.put("hot_standby_feedback", "on");
        conf.put("wal_retrieve_retry_interval", "1s");
        conf.put("recovery_target_timeline", "latest");
        if (!s.fsync()) {
            conf.put("fsync", "off");
        }
        if (s.passwords()) {
            conf.put("password_encryption", "scram-sha-256");
        }
        conf.putAll(s.parameters());
        // a standby ignores it; written anyway so that it is in force from the moment of promotion
        conf.put("synchronous_standby_names", synchronousStandbyNames);
        if (standby && upstream.isPresent()) {
            conf.put("primary_conninfo", conninfo(upstream.get(), s.replicationUser(), true));
            conf.put("primary_slot_name", PostgresControl.slotName(s.member()));
        } else {
            conf.put("primary_conninfo", "");
            conf.put("primary_slot_name", "");
        }
        // everything is rendered (and refused) before anything is written
        String text = PgConfigFiles.conf("# written by the pgha node-agent before every start: do not edit", conf);
        String hba = hba();
        Optional<String> pgpassLine =
                s.replicationPassword().map(password -> PgConfigFiles.pgpassLine(s.replicationUser(), password));
        try {
            privateSocketDir();
            write(s.dataDir().resolve(CONF), text);
            write(s.dataDir().resolve("pg_hba.conf"), hba);
            Path signal = s.dataDir().resolve("standby.signal");
            if (standby) {
                if (!Files.exists(signal)) {
                    write(signal, "");
                }
            } else {
                Files.deleteIfExists(signal);
            }
            if (pgpassLine.isPresent()) {
                Path pgpass = nodeDir().resolve("pgpass");
                Path temp = nodeDir().resolve("pgpass.pgha-tmp");
                Files.deleteIfExists(temp);
                Files.createFile(
                        temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, pgpassLine.get());
                Files.move(
                        temp,
                        pgpass,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the configuration of " + s.dataDir(), e);
        }
    }

    /**
     * pg_hba.conf: over the Unix socket (its directory is private to PostgreSQL's OS user) every role
     * may connect; over TCP, from {@code allowed-cidr}, with the method {@link Settings#hostAuthMethod}.
     */
    private String hba() {
        String method = s.hostAuthMethod();
        String cidr = PgConfigFiles.hbaAddress(s.allowedCidr());
        String replication = PgConfigFiles.hbaRole("pgha.postgres.replication.username", s.replicationUser());
        String superuser = PgConfigFiles.hbaRole("pgha.postgres.superuser.username", s.superuser());
        return String.join(
                "\n",
                "# written by the pgha node-agent",
                "local all all trust",
                "local replication all trust",
                "host replication " + replication + " " + cidr + " " + method,
                "host replication " + superuser + " " + cidr + " " + method,
                "host all all " + cidr + " " + method,
                "");
    }

    /** Creates the socket directory (mode 0700) or makes an existing one private again. */
    private void privateSocketDir() throws IOException {
        Path dir = socketDir();
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new IOException(
                    "cannot make the socket directory " + dir + " private (mode 0700): it must belong to the user"
                            + " the agent and PostgreSQL run as (" + System.getProperty("user.name") + "); chown it",
                    e);
        }
    }

    @Override
    public synchronized void start() {
        if (running()) {
            return;
        }
        try {
            ProcessBuilder builder = ProcessRunner.builder(
                            List.of(bin("postgres"), "-D", s.dataDir().toString()), Map.of())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            postmaster = builder.start();
            LOG.infof("started postgres (pid %d), log %s", postmaster.pid(), logFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start postgres in " + s.dataDir(), e);
        }
    }

    @Override
    public synchronized boolean running() {
        return postmaster != null && postmaster.isAlive();
    }

    @Override
    public void stop() {
        stop(s.stopTimeout());
    }

    @Override
    public synchronized void stop(Duration fastTimeout) {
        if (!running()) {
            return;
        }
        long pid = postmaster.pid();
        LOG.infof("stopping postgres (pid %d): fast shutdown", pid);
        runner.signal(pid, "INT");
        if (!waitGone(fastTimeout)) {
            LOG.warnf("postgres (pid %d) still running after %s: immediate shutdown", pid, fastTimeout);
            runner.signal(pid, "QUIT");
            if (!waitGone(Duration.ofSeconds(5))) {
                runner.signal(pid, "KILL");
                waitGone(Duration.ofSeconds(5));
            }
        }
    }

    @Override
    public void stopLeftover() {
        Path pidFile = s.dataDir().resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isPresent()
                    && handle.get()
                            .info()
                            .command()
                            .map(c -> c.endsWith("postgres"))
                            .orElse(false)) {
                LOG.warnf("a postgres (pid %d) from an earlier run is still up: fast shutdown", pid);
                runner.signal(pid, "INT");
                handle.get().onExit().get(s.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            LOG.warnf("could not check %s: %s", pidFile, e.toString());
        }
    }

    @Override
    public PgState probe() {
        if (!running()) {
            return PgState.stopped();
        }
        try (Connection c = connect(s.listenHost(), s.port(), s.sqlTimeout());
                Statement st = c.createStatement();
                ResultSet r = st.executeQuery(
                        """
                        SELECT pg_is_in_recovery(),
                          CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,
                          pg_last_wal_receive_lsn()::text,
                          pg_last_wal_replay_lsn()::text,
                          CASE WHEN pg_is_in_recovery()
                            THEN COALESCE((SELECT received_tli FROM pg_stat_wal_receiver),
                                          (SELECT timeline_id FROM pg_control_checkpoint()))
                            ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
                          (SELECT status FROM pg_stat_wal_receiver),
                          (SELECT sender_host FROM pg_stat_wal_receiver),
                          (SELECT sender_port FROM pg_stat_wal_receiver),
                          current_setting('server_version_num')::int,
                          (SELECT system_identifier::text FROM pg_control_system()),
                          pg_last_xact_replay_timestamp(),
                          CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END,
                          pg_postmaster_start_time(),
                          current_setting('synchronous_standby_names')
                        """)) {
            r.next();
            boolean recovery = r.getBoolean(1);
            List<PgState.Replica> replication = recovery ? List.of() : replication(c);
            return new PgState(
                    true,
                    true,
                    recovery,
                    r.getLong(5),
                    r.getString(2),
                    r.getString(3),
                    r.getString(4),
                    r.getString(6),
                    r.getString(7),
                    r.getInt(8),
                    r.getInt(9),
                    r.getString(10),
                    instant(r.getTimestamp(11)),
                    r.getBoolean(12),
                    instant(r.getTimestamp(13)),
                    r.getString(14),
                    replication);
        } catch (SQLException e) {
            LOG.debugf("probe failed: %s", e.getMessage());
            return PgState.starting();
        }
    }

    private static List<PgState.Replica> replication(Connection c) throws SQLException {
        List<PgState.Replica> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT usename::text, application_name, client_addr::text, state,"
                        + " sync_state, sync_priority FROM pg_stat_replication ORDER BY application_name")) {
            while (r.next()) {
                rows.add(new PgState.Replica(
                        r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getInt(6)));
            }
        }
        return rows;
    }

    @Override
    public void promote() {
        try (Connection c = connect(s.listenHost(), s.port(), Duration.ofSeconds(90));
                Statement st = c.createStatement()) {
            try (ResultSet r = st.executeQuery("SELECT pg_promote(true, 60)")) {
                r.next();
                if (!r.getBoolean(1)) {
                    throw new IllegalStateException("pg_promote did not finish within 60 s");
                }
            }
            try (ResultSet r = st.executeQuery("SELECT pg_is_in_recovery()")) {
                r.next();
                if (r.getBoolean(1)) {
                    throw new IllegalStateException("still in recovery after pg_promote");
                }
            }
            // so that the new timeline is in the control file at once (pg_rewind of others reads it)
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new IllegalStateException("promotion failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void reload() {
        sql(s.listenHost(), s.port(), "SELECT pg_reload_conf()");
    }

    @Override
    public void createRoles() {
        try (Connection c = connect(s.listenHost(), s.port(), s.sqlTimeout())) {
            createRole(c, s.replicationUser(), "LOGIN REPLICATION", s.replicationPassword());
            createRole(c, s.monitoringUser(), "LOGIN", s.monitoringPassword());
            try (Statement st = c.createStatement()) {
                st.execute("GRANT pg_monitor TO " + quoteIdent(c, s.monitoringUser()));
            }
            if (s.superuserPassword().isPresent()) {
                setPassword(c, s.superuser(), s.superuserPassword().get());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not create the replication and monitoring roles: " + e.getMessage(), e);
        }
    }

    private static void createRole(Connection c, String role, String options, Optional<String> password)
            throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            exists.setString(1, role);
            try (ResultSet r = exists.executeQuery()) {
                if (!r.next()) {
                    try (Statement st = c.createStatement()) {
                        st.execute("CREATE ROLE " + quoteIdent(c, role) + " " + options);
                    }
                }
            }
        }
        if (password.isPresent()) {
            setPassword(c, role, password.get());
        }
    }

    private static void setPassword(Connection c, String role, String password) throws SQLException {
        String statement;
        try (PreparedStatement format = c.prepareStatement("SELECT format('ALTER ROLE %I PASSWORD %L', ?, ?)")) {
            format.setString(1, role);
            format.setString(2, password);
            try (ResultSet r = format.executeQuery()) {
                r.next();
                statement = r.getString(1);
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static String quoteIdent(Connection c, String name) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT quote_ident(?)")) {
            q.setString(1, name);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    @Override
    public void ensureSlots(Collection<String> slotNames) {
        try (Connection c = connect(s.listenHost(), s.port(), s.sqlTimeout())) {
            for (String slot : slotNames) {
                if (!SLOT.matcher(slot).matches()) {
                    // from a member key's name in etcd: one that is not a member name must not block the others
                    LOG.errorf("not creating replication slot '%s': not 1-63 of a-z, 0-9 and _", slot);
                    continue;
                }
                ensureSlot(c, slot);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not create replication slots " + slotNames + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void ensureSlotOn(Upstream upstream, String slot) {
        try (Connection c = connect(upstream.host(), upstream.port(), s.sqlTimeout())) {
            ensureSlot(c, slot);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not create slot " + slot + " on " + upstream.member() + ": " + e.getMessage(), e);
        }
    }

    private static void ensureSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement st =
                c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true) WHERE NOT EXISTS"
                        + " (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
            st.setString(1, slot);
            st.setString(2, slot);
            st.executeQuery().close();
        }
    }

    @Override
    public void wipe() {
        if (!Files.exists(s.dataDir())) {
            return;
        }
        try (Stream<Path> walk = Files.walk(s.dataDir())) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .filter(p -> !p.equals(s.dataDir()))
                    .forEach(p -> {
                        try {
                            Files.delete(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("could not empty " + s.dataDir(), e);
        }
    }

    @Override
    public void basebackup(Upstream upstream, String slot) {
        createDataDir();
        List<String> command = new ArrayList<>(List.of(
                bin("pg_basebackup"),
                "--dbname=" + conninfo(upstream, s.replicationUser(), false),
                "-D",
                s.dataDir().toString(),
                "-X",
                "stream",
                "-S",
                slot,
                "-c",
                "fast"));
        if (!s.fsync()) {
            command.add("--no-sync");
        }
        runner.run(command, passwordEnv(s.replicationPassword()), TOOL_TIMEOUT).orThrow();
    }

    @Override
    public boolean rewind(Upstream upstream) {
        try {
            // a fresh primary's control file shows its new timeline only after a checkpoint
            sql(upstream.host(), upstream.port(), "CHECKPOINT");
        } catch (IllegalStateException e) {
            LOG.errorf("cannot checkpoint %s before pg_rewind: %s", upstream.member(), e.getMessage());
            return false;
        }
        List<String> command = new ArrayList<>(List.of(
                bin("pg_rewind"),
                "-D",
                s.dataDir().toString(),
                "--source-server=" + conninfo(upstream, s.superuser(), false, "dbname", "postgres")));
        if (!s.fsync()) {
            command.add("--no-sync");
        }
        ProcessRunner.Result result = runner.run(command, passwordEnv(s.superuserPassword()), TOOL_TIMEOUT);
        if (!result.ok()) {
            LOG.errorf(
                    "pg_rewind from %s failed (exit %d): %s",
                    upstream.member(), result.exitCode(), ProcessRunner.tail(result.output()));
            return false;
        }
        LOG.infof("pg_rewind from %s: %s", upstream.member(), ProcessRunner.tail(result.output()));
        return true;
    }

    @Override
    public void prepareSynchronousStandbyNames(String value) {
        synchronousStandbyNames = value;
    }

    @Override
    public void applySynchronousStandbyNames(String value) {
        synchronousStandbyNames = value;
        configure(false, Optional.empty());
        reload();
    }

    @Override
    public void checkpoint() {
        sql(s.listenHost(), s.port(), "CHECKPOINT");
    }

    @Override
    public io.pgha.events.Lsn latestCheckpoint() {
        ProcessRunner.Result result = runner.run(
                        List.of(bin("pg_controldata"), "-D", s.dataDir().toString()), Map.of(), Duration.ofSeconds(30))
                .orThrow();
        return result.output()
                .lines()
                .filter(line -> line.startsWith("Latest checkpoint location:"))
                .map(line -> io.pgha.events.Lsn.parse(
                        line.substring(line.indexOf(':') + 1).strip()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("pg_controldata shows no latest checkpoint location"));
    }

    @Override
    public Optional<io.pgha.events.Lsn> receivedOn(Upstream standby) {
        String lsn = sql(standby.host(), standby.port(), "SELECT pg_last_wal_receive_lsn()::text");
        return Optional.ofNullable(lsn).map(io.pgha.events.Lsn::parse);
    }

    @Override
    public String systemIdentifier() {
        return sql(s.listenHost(), s.port(), "SELECT system_identifier::text FROM pg_control_system()");
    }

    private String sql(String host, int port, String query) {
        try (Connection c = connect(host, port, Duration.ofSeconds(60));
                Statement st = c.createStatement()) {
            if (!st.execute(query)) {
                return null;
            }
            try (ResultSet r = st.getResultSet()) {
                return r.next() ? r.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(query + " on " + host + ":" + port + " failed: " + e.getMessage(), e);
        }
    }

    private Connection connect(String host, int port, Duration socketTimeout) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", s.superuser());
        s.superuserPassword().ifPresent(p -> props.setProperty("password", p));
        props.setProperty(
                "connectTimeout", Long.toString(Math.max(1, s.sqlTimeout().toSeconds())));
        props.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        props.setProperty("ApplicationName", "pgha-agent");
        Connection c = driver.connect("jdbc:postgresql://" + host + ":" + port + "/postgres", props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused the URL");
        }
        return c;
    }

    private String conninfo(Upstream upstream, String user, boolean withPassfile, String... more) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("host", upstream.host());
        values.put("port", Integer.toString(upstream.port()));
        values.put("user", user);
        values.put("application_name", s.member());
        values.put("connect_timeout", Long.toString(Math.max(2, s.sqlTimeout().toSeconds())));
        if (withPassfile && s.replicationPassword().isPresent()) {
            values.put("passfile", nodeDir().resolve("pgpass").toString());
        }
        for (int i = 0; i + 1 < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return PgConfigFiles.conninfo(values);
    }

    private static Map<String, String> passwordEnv(Optional<String> password) {
        Map<String, String> env = new HashMap<>();
        password.ifPresent(p -> env.put("PGPASSWORD", p));
        return env;
    }

    private boolean waitGone(Duration timeout) {
        try {
            return postmaster.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !postmaster.isAlive();
        }
    }

    private void createDataDir() {
        try {
            Files.createDirectories(s.dataDir());
            Files.setPosixFilePermissions(s.dataDir(), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the data directory " + s.dataDir(), e);
        }
    }

    private String bin(String tool) {
        return s.binDir().resolve(tool).toString();
    }

    /**
     * Replaces {@code file} atomically (PostgreSQL may be reading it while starting or reloading), and
     * only when its content changes.
     */
    private static void write(Path file, String text) throws IOException {
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
            return;
        }
        Path temp = file.resolveSibling(file.getFileName() + ".pgha-tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static java.time.Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
