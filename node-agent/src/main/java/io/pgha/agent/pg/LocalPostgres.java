package io.pgha.agent.pg;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/** {@link PostgresControl} for a PostgreSQL instance on this machine, run as a child of the agent. */
public final class LocalPostgres implements PostgresControl {
    private static final Logger LOG = Logger.getLogger(LocalPostgres.class);
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(10);

    private final PgSettings s;
    private final ProcessRunner runner;
    private final PgSql sql;
    private final PgFiles files;
    private Process postmaster;
    /** Told when a postmaster started here exits (the agent wakes its loop). */
    private volatile Runnable exitListener = () -> {};

    private volatile String synchronousStandbyNames = "";

    /**
     * Fails at start, naming the property, when passwords are missing and trust was not allowed, or
     * when a parameter, role name or allowed-cidr cannot be written safely into PostgreSQL's files.
     */
    public LocalPostgres(PgSettings settings, ProcessRunner runner) {
        this(settings, runner, new ExtraSettings());
    }

    /** Like the other, with settings other parts of the agent add to pgha.conf (the archiver's). */
    public LocalPostgres(PgSettings settings, ProcessRunner runner, ExtraSettings extra) {
        this.s = settings;
        this.runner = runner;
        this.sql = new PgSql(settings);
        this.files = new PgFiles(settings, extra);
        PgConfigFiles.conf("", settings.parameters());
        files.hba();
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
        files.createDataDir();
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
                pwfile = Files.createTempFile(files.nodeDir(), "pwfile", "");
                Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
                Files.writeString(pwfile, s.superuserPassword().get() + "\n");
                command.add("--pwfile=" + pwfile);
            }
            runner.run(command, Map.of(), TOOL_TIMEOUT).orThrow();
            Files.writeString(
                    s.dataDir().resolve("postgresql.conf"),
                    "\n# pgha: the agent's settings, rewritten before every start\ninclude_if_exists = '" + PgFiles.CONF
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
    public synchronized void start() {
        if (running()) {
            return;
        }
        sql.serverRestarts();
        try {
            ProcessBuilder builder = ProcessRunner.builder(
                            List.of(bin("postgres"), "-D", s.dataDir().toString()), Map.of())
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(files.logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            postmaster = builder.start();
            postmaster.onExit().thenRun(() -> exitListener.run());
            LOG.infof("started postgres (pid %d), log %s", postmaster.pid(), files.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start postgres in " + s.dataDir(), e);
        }
    }

    @Override
    public void onPostmasterExit(Runnable listener) {
        exitListener = listener;
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
        sql.serverRestarts();
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
    public String timelineHistory(Upstream upstream, long timeline) {
        if (timeline < 2 || timeline > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("timeline " + timeline + " has no history file");
        }
        String file = String.format(java.util.Locale.ROOT, "pg_wal/%08X.history", timeline);
        return sql.sql(upstream.host(), upstream.port(), "SELECT pg_read_file('" + file + "')");
    }

    @Override
    public io.pgha.agent.decide.TimelineFork.ReplayPoint replayPoint() {
        return sql.replayPoint();
    }

    @Override
    public PgState probe() {
        if (!running()) {
            return PgState.stopped();
        }
        PgState state = sql.probe();
        return state.accepting() && state.pendingRestart()
                ? state.withPendingRestartReason(pendingRestartReason())
                : state;
    }

    /**
     * Patroni's {@code pending_restart_reason}: every setting {@code pg_settings} marks {@code
     * pending_restart}, with the value in force ({@code current_setting}) and the one pgha.conf holds
     * (absent when the change came from elsewhere, say ALTER SYSTEM). Empty when it cannot be read.
     */
    private Map<String, Map<String, String>> pendingRestartReason() {
        Map<String, String> written = files.written();
        Map<String, Map<String, String>> reason = new java.util.TreeMap<>();
        try (java.sql.Connection c = sql.connect(s.listenHost(), s.port(), Duration.ofSeconds(5));
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet r =
                        st.executeQuery("SELECT name, current_setting(name) FROM pg_settings WHERE pending_restart")) {
            while (r.next()) {
                Map<String, String> values = new java.util.LinkedHashMap<>();
                values.put("old_value", r.getString(2));
                if (written.containsKey(r.getString(1))) {
                    values.put("new_value", written.get(r.getString(1)));
                }
                reason.put(r.getString(1), values);
            }
        } catch (java.sql.SQLException e) {
            LOG.debugf("could not read which settings wait for a restart: %s", e.getMessage());
            return Map.of();
        }
        return reason;
    }

    @Override
    public void promote() {
        sql.promote();
    }

    @Override
    public void reload() {
        sql.reload();
    }

    @Override
    public void createRoles() {
        sql.createRoles();
    }

    @Override
    public void ensureSlots(Collection<String> slotNames) {
        sql.ensureSlots(slotNames);
    }

    @Override
    public List<io.pgha.agent.decide.PermanentSlots.Seen> slots() {
        return sql.slots();
    }

    @Override
    public List<io.pgha.agent.decide.PermanentSlots.Seen> slotsOn(Upstream upstream, Collection<String> names) {
        return sql.slotsOn(upstream, names);
    }

    @Override
    public Map<String, byte[]> slotStatesOn(Upstream upstream, Collection<String> names) {
        return sql.slotStatesOn(upstream, names);
    }

    /**
     * Each state into {@code pg_replslot/<name>/state} (directory 0700, file 0600, owned as the data
     * directory), written to a temporary directory first, fsynced and renamed, as PostgreSQL itself does.
     */
    @Override
    public void writeSlotStates(Map<String, byte[]> states) {
        Path replslot = s.dataDir().resolve("pg_replslot");
        try {
            java.nio.file.attribute.UserPrincipal owner = Files.getOwner(s.dataDir());
            for (Map.Entry<String, byte[]> e : states.entrySet()) {
                if (!e.getKey().matches("[a-z0-9_]{1,63}")) {
                    throw new IllegalArgumentException("not a replication slot name: " + e.getKey());
                }
                Path dir = replslot.resolve(e.getKey());
                Path tmp = replslot.resolve(e.getKey() + ".tmp");
                deleteTree(tmp);
                Files.createDirectory(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path state = tmp.resolve("state");
                Files.write(
                        state,
                        e.getValue(),
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.SYNC);
                Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rw-------"));
                Files.setOwner(state, owner);
                Files.setOwner(tmp, owner);
                deleteTree(dir);
                Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            try (java.nio.channels.FileChannel ch =
                    java.nio.channels.FileChannel.open(replslot, StandardOpenOption.READ)) {
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the slot state files into " + replslot, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void createLogicalSlot(String name, String database, String plugin) {
        sql.createLogicalSlot(name, database, plugin);
    }

    @Override
    public void advanceSlot(String name, String database, io.pgha.events.Lsn lsn) {
        sql.advanceSlot(name, database, lsn);
    }

    @Override
    public java.util.Set<String> dropInactiveSlots(Collection<String> slotNames) {
        return sql.dropInactiveSlots(slotNames);
    }

    @Override
    public void ensureSlotOn(Upstream upstream, String slot) {
        sql.ensureSlotOn(upstream, slot);
    }

    @Override
    public void checkpoint() {
        sql.checkpoint();
    }

    @Override
    public Optional<io.pgha.events.Lsn> receivedOn(Upstream standby) {
        return sql.receivedOn(standby);
    }

    @Override
    public ReceivePoll receivePoll(Upstream standby) {
        return sql.receivePoll(standby);
    }

    @Override
    public String systemIdentifier() {
        return sql.systemIdentifier();
    }

    @Override
    public void configure(boolean standby, Optional<Upstream> upstream) {
        files.configure(standby, upstream, synchronousStandbyNames);
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
        files.createDataDir();
        List<String> command = new ArrayList<>(List.of(
                bin("pg_basebackup"),
                "--dbname=" + files.conninfo(upstream, s.replicationUser(), false),
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
            sql.sql(upstream.host(), upstream.port(), "CHECKPOINT");
        } catch (IllegalStateException e) {
            LOG.errorf("cannot checkpoint %s before pg_rewind: %s", upstream.member(), e.getMessage());
            return false;
        }
        List<String> command = new ArrayList<>(List.of(
                bin("pg_rewind"),
                "-D",
                s.dataDir().toString(),
                "--source-server=" + files.conninfo(upstream, s.superuser(), false, "dbname", "postgres")));
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
    public io.pgha.events.Lsn latestCheckpoint() {
        ProcessRunner.Result result = runner.run(
                        List.of(bin("pg_controldata"), "-D", s.dataDir().toString()), Map.of(), Duration.ofSeconds(30))
                .orThrow();
        return latestCheckpoint(result.output());
    }

    @Override
    public synchronized void requestFastShutdown() {
        if (!running()) {
            return;
        }
        sql.serverRestarts();
        LOG.infof("stopping postgres (pid %d): fast shutdown, not waiting for the exit", postmaster.pid());
        runner.signal(postmaster.pid(), "INT");
    }

    @Override
    public Optional<io.pgha.events.Lsn> shutdownCheckpoint() {
        Optional<ControlFile> control = readControlFile();
        if (control.isPresent()) { // no pg_controldata fork every 10 ms
            return control.filter(ControlFile::shutDown).map(ControlFile::checkpoint);
        }
        ProcessRunner.Result result = runner.poll(
                        List.of(bin("pg_controldata"), "-D", s.dataDir().toString()), Duration.ofSeconds(30))
                .orThrow();
        boolean shutDown = result.output()
                .lines()
                .anyMatch(line -> line.startsWith("Database cluster state:")
                        && line.substring(line.indexOf(':') + 1).strip().equals("shut down"));
        return shutDown ? Optional.of(latestCheckpoint(result.output())) : Optional.empty();
    }

    /** global/pg_control's state and checkpoint, when read whole and of a known layout ({@link ControlFile}). */
    private Optional<ControlFile> readControlFile() {
        try (java.io.InputStream in =
                Files.newInputStream(s.dataDir().resolve("global").resolve("pg_control"))) {
            return ControlFile.parse(in.readNBytes(1028));
        } catch (IOException e) {
            LOG.debugf("reading pg_control: %s; asking pg_controldata", e.toString());
            return Optional.empty();
        }
    }

    private static io.pgha.events.Lsn latestCheckpoint(String controldata) {
        return controldata
                .lines()
                .filter(line -> line.startsWith("Latest checkpoint location:"))
                .map(line -> io.pgha.events.Lsn.parse(
                        line.substring(line.indexOf(':') + 1).strip()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("pg_controldata shows no latest checkpoint location"));
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

    private String bin(String tool) {
        return s.binDir().resolve(tool).toString();
    }
}
