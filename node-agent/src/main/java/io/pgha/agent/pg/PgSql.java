package io.pgha.agent.pg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * What {@link LocalPostgres} does through SQL: the probe, promotion, reload, roles, replication slots
 * and positions, on this instance or on another member (as the superuser, over TCP).
 */
final class PgSql {
    /** How often a promotion looks whether recovery has ended. */
    static final Duration PROMOTION_POLL = Duration.ofMillis(10);
    /** How often a promotion looks whether the startup process took the request ({@link PromotionWait}). */
    static final Duration PROMOTION_REQUEST_POLL = Duration.ofMillis(2);
    /** The file {@code pg_promote()} writes into the data directory; the startup process removes it. */
    static final String PROMOTE_SIGNAL_FILE = "promote";
    /** How long a promotion may take (pg_promote's own default wait is 60 s). */
    static final Duration PROMOTION_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = Logger.getLogger(PgSql.class);
    /** SQLSTATE of "sorry, too many clients already": the server runs, every connection slot is taken. */
    static final String TOO_MANY_CONNECTIONS = "53300";

    private static final java.util.regex.Pattern SLOT = java.util.regex.Pattern.compile("[a-z0-9_]{1,63}");

    private final PgSettings s;
    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    /** The last successful probe, answered again while the server refuses connections for lack of slots. */
    private volatile PgState lastProbe;

    /** Socket timeout of the statements that may take long (CHECKPOINT, reload, reads on other servers). */
    private static final Duration LONG_SQL = Duration.ofSeconds(60);

    /** Guards the shared local connection ({@link #onLocal}). */
    private final java.util.concurrent.locks.ReentrantLock localLock = new java.util.concurrent.locks.ReentrantLock();
    /** Counts {@link #serverRestarts}: a kept connection opened before the last one is not reused. */
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
    /** The shared connection to this instance, or null (guarded by {@link #localLock}). */
    private Connection local;
    /** {@link #dropped} when {@link #local} was opened (guarded by {@link #localLock}). */
    private long localEpoch;

    PgSql(PgSettings settings) {
        this.s = settings;
    }

    /**
     * The state of this running instance; {@link PgState#starting()} while it does not answer. On the
     * shared local connection ({@link #onLocal}).
     */
    PgState probe() {
        try {
            return lastProbe = onLocal(s.sqlTimeout(), PgSql::probeOn);
        } catch (SQLException e) {
            if (TOO_MANY_CONNECTIONS.equals(e.getSQLState()) && lastProbe != null) {
                // the postmaster answered: it runs and has not changed role by itself; it is only full
                LOG.warnf(
                        "probe refused (%s): PostgreSQL runs with every connection in use; keeping the last probe",
                        e.getMessage());
                return lastProbe;
            }
            LOG.debugf("probe failed: %s", e.getMessage());
            return PgState.starting();
        }
    }

    private static PgState probeOn(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet r = st.executeQuery(
                        """
                        SELECT pg_is_in_recovery(),
                          CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,
                          pg_last_wal_receive_lsn()::text,
                          pg_last_wal_replay_lsn()::text,
                          CASE WHEN pg_is_in_recovery()
                            THEN COALESCE((SELECT received_tli FROM pg_stat_wal_receiver),
                                          (SELECT max(('x' || substr(name, 1, 8))::bit(32)::int)
                                             FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'),
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
                          current_setting('synchronous_standby_names'),
                          EXISTS (SELECT 1 FROM pg_settings WHERE pending_restart)
                        """)) {
            r.next();
            boolean recovery = r.getBoolean(1);
            List<PgState.Replica> replication = recovery ? List.of() : replication(c);
            return new PgState(
                    true,
                    true,
                    recovery,
                    r.getLong(5),
                    io.pgha.events.Lsn.parseNullable(r.getString(2)),
                    io.pgha.events.Lsn.parseNullable(r.getString(3)),
                    io.pgha.events.Lsn.parseNullable(r.getString(4)),
                    r.getString(6),
                    r.getString(7),
                    r.getInt(8),
                    r.getInt(9),
                    r.getString(10),
                    instant(r.getTimestamp(11)),
                    r.getBoolean(12),
                    instant(r.getTimestamp(13)),
                    r.getString(14),
                    r.getBoolean(15),
                    replication);
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

    /** Forgets the last probe: the agent starts, stops or promotes PostgreSQL, so it no longer holds. */
    void forgetLastProbe() {
        lastProbe = null;
    }

    /**
     * The agent starts or stops PostgreSQL: forgets the last probe and drops the shared connection (at
     * once if no call uses it, else when that call ends); the next call opens a new one.
     */
    void serverRestarts() {
        forgetLastProbe();
        dropped.incrementAndGet();
        if (localLock.tryLock()) {
            try {
                closeLocal();
            } finally {
                localLock.unlock();
            }
        }
    }

    /** A step on a connection, which may fail with the driver's exception. */
    @FunctionalInterface
    interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on the connection to this instance that the loop's short statements share (probe,
     * promote, reload, checkpoint, slots, system identifier), with {@code socketTimeout} for this call.
     * Opened on first use and kept; closed on any failure and when the agent starts or stops PostgreSQL
     * ({@link #serverRestarts}). When a reused connection turns out broken (the server restarted or
     * ended the session), the work runs once more on a new connection, so that a stale socket never
     * reads as a server that does not answer. While another thread uses the shared connection (the REST
     * API beside the loop, or a promotion waiting for recovery to end), the call opens one of its own
     * and closes it, as every call did before: nobody waits for another's statement.
     */
    <T> T onLocal(Duration socketTimeout, Work<T> work) throws SQLException {
        if (!localLock.tryLock()) {
            try (Connection c = connect(s.listenHost(), s.port(), socketTimeout)) {
                return work.on(c);
            }
        }
        try {
            boolean reused = openLocal();
            try {
                return runLocal(socketTimeout, work);
            } catch (SQLException e) {
                closeLocal();
                if (!reused || !broken(e)) {
                    throw e;
                }
                LOG.debugf("the kept connection to PostgreSQL is broken (%s): once more on a new one", e.getMessage());
                openLocal();
                try {
                    return runLocal(socketTimeout, work);
                } catch (SQLException | RuntimeException again) {
                    closeLocal();
                    throw again;
                }
            } catch (RuntimeException e) {
                closeLocal();
                throw e;
            }
        } finally {
            if (localEpoch != dropped.get()) {
                closeLocal(); // dropped while in use: the server was stopped or started meanwhile
            }
            localLock.unlock();
        }
    }

    /** Opens the shared connection unless one from the current server run is open; whether it was reused. */
    private boolean openLocal() throws SQLException {
        long epoch = dropped.get();
        if (local != null && localEpoch == epoch) {
            return true;
        }
        closeLocal();
        local = connect(s.listenHost(), s.port(), s.sqlTimeout());
        localEpoch = epoch;
        return false;
    }

    private <T> T runLocal(Duration socketTimeout, Work<T> work) throws SQLException {
        boolean longer = !socketTimeout.equals(s.sqlTimeout());
        if (longer) {
            local.setNetworkTimeout(Runnable::run, timeoutMillis(socketTimeout));
        }
        T result = work.on(local);
        if (longer) {
            local.setNetworkTimeout(Runnable::run, timeoutMillis(s.sqlTimeout()));
        }
        return result;
    }

    private void closeLocal() {
        if (local == null) {
            return;
        }
        try {
            local.close();
        } catch (SQLException e) {
            LOG.debugf("closing the kept connection to PostgreSQL: %s", e.getMessage());
        }
        local = null;
    }

    /**
     * Whether a failure on a kept connection means the connection is gone (SQLSTATE class 08, or 57P:
     * the server shut down, crashed or ended the session) rather than a statement's error or a server
     * too slow to answer (a socket timeout: trying again would double the wait).
     */
    static boolean broken(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return false;
            }
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /**
     * Promotes and returns once this instance is out of recovery: {@code pg_promote(false)} and then
     * {@code pg_is_in_recovery()} every {@link #PROMOTION_REQUEST_POLL} until the startup process took the
     * request, every {@link #PROMOTION_POLL} after ({@code pg_promote(true)} looks only every 100 ms);
     * once it took it, one {@code pg_reload_conf()} wakes it out of a retry wait ({@link PromotionWait}).
     * No CHECKPOINT here: it would wait for PostgreSQL's own end-of-recovery checkpoint; the loop
     * checkpoints once it has published the promotion ({@code AgentLoop.publishPromotion}).
     */
    void promote() {
        forgetLastProbe();
        Path request = s.dataDir().resolve(PROMOTE_SIGNAL_FILE);
        try {
            onLocal(Duration.ofSeconds(90), c -> promoteOn(c, request));
        } catch (SQLException e) {
            throw new IllegalStateException("promotion failed: " + e.getMessage(), e);
        }
    }

    private static Void promoteOn(Connection c, Path request) throws SQLException {
        try (Statement st = c.createStatement()) {
            try (ResultSet r = st.executeQuery("SELECT pg_promote(false)")) {
                r.next();
                if (!r.getBoolean(1)) {
                    throw new IllegalStateException("pg_promote refused to signal the promotion");
                }
            }
            long start = System.nanoTime();
            long deadline = start + PROMOTION_TIMEOUT.toNanos();
            boolean woken = false;
            while (true) {
                switch (PromotionWait.next(inRecovery(st), Files.exists(request), woken)) {
                    case DONE -> {
                        return null;
                    }
                    case WAKE -> {
                        st.execute("SELECT pg_reload_conf()");
                        woken = true;
                        LOG.infof(
                                "the startup process took the promote request %d ms after pg_promote: reloaded,"
                                        + " which wakes it if it waits to retry its WAL sources",
                                (System.nanoTime() - start) / 1_000_000);
                    }
                    case WAIT -> {}
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(
                            "still in recovery " + PROMOTION_TIMEOUT.toSeconds() + " s after pg_promote");
                }
                LockSupport.parkNanos((woken ? PROMOTION_POLL : PROMOTION_REQUEST_POLL).toNanos());
            }
        }
    }

    private static boolean inRecovery(Statement st) throws SQLException {
        try (ResultSet r = st.executeQuery("SELECT pg_is_in_recovery()")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    void reload() {
        localSql("SELECT pg_reload_conf()");
    }

    void createRoles() {
        try (Connection c = connect(s.listenHost(), s.port(), s.sqlTimeout())) {
            createRole(c, s.replicationUser(), "LOGIN REPLICATION", s.replicationPassword());
            createRole(c, s.monitoringUser(), "LOGIN", s.monitoringPassword());
            try (Statement st = c.createStatement()) {
                st.execute("GRANT pg_monitor TO " + quoteIdent(c, s.monitoringUser()));
            }
            if (s.superuserPassword().isPresent()) {
                setPassword(c, s.superuser(), s.superuserPassword().get());
            }
            createRole(c, s.poolerUser(), "LOGIN", s.poolerPassword());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not create the replication, monitoring and pooler roles: " + e.getMessage(), e);
        }
        // in postgres and template1 (databases created later inherit it): PgBouncer's auth_query runs in
        // the database the client asks for
        for (String database : List.of("postgres", "template1")) {
            try (Connection c = connect(s.listenHost(), s.port(), database, s.sqlTimeout());
                    Statement st = c.createStatement()) {
                for (String statement : PoolerLookup.statements(quoteIdent(c, s.poolerUser()))) {
                    st.execute(statement);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "could not create the pooler's lookup function in " + database + ": " + e.getMessage(), e);
            }
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

    void ensureSlots(Collection<String> slotNames) {
        List<String> valid = new ArrayList<>();
        for (String slot : slotNames) {
            if (SLOT.matcher(slot).matches()) {
                valid.add(slot);
            } else {
                // from a member key's name in etcd: one that is not a member name must not block the others
                LOG.errorf("not creating replication slot '%s': not 1-63 of a-z, 0-9 and _", slot);
            }
        }
        try {
            onLocal(s.sqlTimeout(), c -> {
                for (String slot : valid) {
                    ensureSlot(c, slot);
                }
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not create replication slots " + slotNames + ": " + e.getMessage(), e);
        }
    }

    /** The query of {@link #slots}: position is confirmed_flush_lsn for a logical slot, else restart_lsn. */
    private static final String SLOTS = "SELECT slot_name, slot_type, database, plugin,"
            + " CASE WHEN slot_type = 'logical' THEN confirmed_flush_lsn ELSE restart_lsn END::text, active"
            + " FROM pg_replication_slots WHERE NOT temporary";

    java.util.List<io.pgha.agent.decide.PermanentSlots.Seen> slots() {
        try {
            return onLocal(s.sqlTimeout(), c -> slots(c, null));
        } catch (SQLException e) {
            throw new IllegalStateException("could not list the replication slots: " + e.getMessage(), e);
        }
    }

    java.util.List<io.pgha.agent.decide.PermanentSlots.Seen> slotsOn(Upstream upstream, Collection<String> names) {
        try (Connection c = connect(upstream.host(), upstream.port(), s.sqlTimeout())) {
            return slots(c, names);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not list the replication slots on " + upstream.member() + ": " + e.getMessage(), e);
        }
    }

    private static java.util.List<io.pgha.agent.decide.PermanentSlots.Seen> slots(
            Connection c, Collection<String> names) throws SQLException {
        java.util.List<io.pgha.agent.decide.PermanentSlots.Seen> seen = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(SLOTS + (names == null ? "" : " AND slot_name = ANY (?)"))) {
            if (names != null) {
                st.setArray(1, c.createArrayOf("text", names.toArray()));
            }
            try (ResultSet r = st.executeQuery()) {
                while (r.next()) {
                    seen.add(new io.pgha.agent.decide.PermanentSlots.Seen(
                            r.getString(1),
                            r.getString(2),
                            r.getString(3),
                            r.getString(4),
                            io.pgha.events.Lsn.parseNullable(r.getString(5)),
                            r.getBoolean(6)));
                }
            }
        }
        return seen;
    }

    /**
     * The state file {@code pg_replslot/<name>/state} of each logical slot of {@code names} on {@code
     * upstream} (read with pg_read_binary_file: the agent connects as the superuser).
     */
    Map<String, byte[]> slotStatesOn(Upstream upstream, Collection<String> names) {
        Map<String, byte[]> states = new java.util.TreeMap<>();
        try (Connection c = connect(upstream.host(), upstream.port(), s.sqlTimeout());
                PreparedStatement st = c.prepareStatement("SELECT slot_name, pg_read_binary_file('pg_replslot/'"
                        + " || slot_name || '/state') FROM pg_replication_slots WHERE slot_type = 'logical'"
                        + " AND NOT temporary AND NOT pg_is_in_recovery() AND slot_name = ANY (?)")) {
            st.setArray(1, c.createArrayOf("text", names.toArray()));
            try (ResultSet r = st.executeQuery()) {
                while (r.next()) {
                    states.put(r.getString(1), r.getBytes(2));
                }
            }
            return states;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not read the logical slots " + names + " on " + upstream.member() + ": " + e.getMessage(),
                    e);
        }
    }

    /** Creates the logical slot {@code name} in {@code database} with {@code plugin}, unless it exists. */
    void createLogicalSlot(String name, String database, String plugin) {
        if (!SLOT.matcher(name).matches()) {
            throw new IllegalArgumentException("not a replication slot name: " + name);
        }
        try (Connection c = connect(s.listenHost(), s.port(), database, s.sqlTimeout());
                PreparedStatement st = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, ?) WHERE NOT"
                        + " EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
            st.setString(1, name);
            st.setString(2, plugin);
            st.setString(3, name);
            st.executeQuery().close();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not create the logical slot " + name + " (database " + database + ", plugin " + plugin
                            + "; it needs wal_level = logical): " + e.getMessage(),
                    e);
        }
    }

    /**
     * pg_replication_slot_advance({@code name}, {@code lsn}) here; a logical slot is advanced on a
     * connection to its own database. Throws {@link SlotGone} when the WAL it needs is gone (copy again).
     */
    void advanceSlot(String name, String database, io.pgha.events.Lsn lsn) {
        try (Connection c =
                        connect(s.listenHost(), s.port(), database == null ? "postgres" : database, s.sqlTimeout());
                PreparedStatement st = c.prepareStatement("SELECT pg_replication_slot_advance(?, ?::pg_lsn)")) {
            st.setString(1, name);
            st.setString(2, lsn.toString());
            st.executeQuery().close();
        } catch (SQLException e) {
            String message = "could not advance the slot " + name + " to " + lsn + ": " + e.getMessage();
            if ("58P01".equals(e.getSQLState()) || "55000".equals(e.getSQLState())) {
                throw new SlotGone(message, e);
            }
            throw new IllegalStateException(message, e);
        }
    }

    java.util.Set<String> dropInactiveSlots(Collection<String> slotNames) {
        try {
            return onLocal(s.sqlTimeout(), c -> {
                java.util.Set<String> dropped = new java.util.TreeSet<>();
                for (String slot : slotNames) {
                    try (PreparedStatement st = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                            + " FROM pg_replication_slots WHERE slot_name = ? AND NOT active AND NOT temporary")) {
                        st.setString(1, slot);
                        try (ResultSet r = st.executeQuery()) {
                            if (r.next()) {
                                dropped.add(slot);
                            }
                        }
                    }
                }
                return dropped;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop replication slots " + slotNames + ": " + e.getMessage(), e);
        }
    }

    void ensureSlotOn(Upstream upstream, String slot) {
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

    void checkpoint() {
        localSql("CHECKPOINT");
    }

    Optional<io.pgha.events.Lsn> receivedOn(Upstream standby) {
        String lsn = sql(standby.host(), standby.port(), "SELECT pg_last_wal_receive_lsn()::text");
        return Optional.ofNullable(lsn).map(io.pgha.events.Lsn::parse);
    }

    /** {@link PostgresControl#receivePoll}: one connection kept for the polls, reopened after a failure. */
    PostgresControl.ReceivePoll receivePoll(Upstream standby) {
        return new KeptReceivePoll(standby);
    }

    private final class KeptReceivePoll implements PostgresControl.ReceivePoll {
        private static final String QUERY = "SELECT pg_last_wal_receive_lsn()::text";
        private final Upstream standby;
        private Connection c;

        KeptReceivePoll(Upstream standby) {
            this.standby = standby;
        }

        @Override
        public void open() {
            try {
                login();
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "logging in to " + standby.host() + ":" + standby.port() + " failed: " + e.getMessage(), e);
            }
        }

        private void login() throws SQLException {
            if (c == null) {
                c = connect(standby.host(), standby.port(), s.sqlTimeout());
            }
        }

        @Override
        public Optional<io.pgha.events.Lsn> received() {
            try {
                login();
                return Optional.ofNullable(firstValue(c, QUERY)).map(io.pgha.events.Lsn::parse);
            } catch (SQLException e) {
                close(); // the next poll logs in again
                throw new IllegalStateException(
                        QUERY + " on " + standby.host() + ":" + standby.port() + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (c == null) {
                return;
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // gone already
            }
            c = null;
        }
    }

    String systemIdentifier() {
        return localSql("SELECT system_identifier::text FROM pg_control_system()");
    }

    /**
     * {@link PostgresControl#replayPoint}: on a connection of its own with {@code replication=database}
     * (a walsender that also takes SQL; the socket's and the superuser's replication lines of pg_hba let
     * it in), {@code pg_last_wal_replay_lsn()} first, then {@code IDENTIFY_SYSTEM}'s timeline: the replay
     * timeline on a standby, which only grows, so the position lies on it or on an older one.
     */
    io.pgha.agent.decide.TimelineFork.ReplayPoint replayPoint() {
        Properties replication = new Properties();
        replication.setProperty("replication", "database");
        replication.setProperty("preferQueryMode", "simple");
        replication.setProperty("assumeMinServerVersion", "10");
        try (Connection c = connect(s.listenHost(), s.port(), "postgres", s.sqlTimeout(), replication)) {
            String replayed = firstValue(c, "SELECT pg_last_wal_replay_lsn()::text");
            long timeline;
            try (Statement st = c.createStatement();
                    ResultSet r = st.executeQuery("IDENTIFY_SYSTEM")) {
                if (!r.next()) {
                    throw new SQLException("IDENTIFY_SYSTEM answered no row");
                }
                timeline = r.getLong(2);
            }
            if (replayed == null) {
                throw new SQLException("pg_last_wal_replay_lsn() is null: not a standby");
            }
            return new io.pgha.agent.decide.TimelineFork.ReplayPoint(io.pgha.events.Lsn.parse(replayed), timeline);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "replay position and timeline on " + s.listenHost() + ":" + s.port() + " not read: "
                            + e.getMessage(),
                    e);
        }
    }

    /** {@code query}'s first value on this instance, on the shared connection, within {@link #LONG_SQL}. */
    private String localSql(String query) {
        try {
            return onLocal(LONG_SQL, c -> firstValue(c, query));
        } catch (SQLException e) {
            throw new IllegalStateException(
                    query + " on " + s.listenHost() + ":" + s.port() + " failed: " + e.getMessage(), e);
        }
    }

    /** {@code query}'s first value on another server (or this one), on a connection of its own. */
    String sql(String host, int port, String query) {
        try (Connection c = connect(host, port, LONG_SQL)) {
            return firstValue(c, query);
        } catch (SQLException e) {
            throw new IllegalStateException(query + " on " + host + ":" + port + " failed: " + e.getMessage(), e);
        }
    }

    private static String firstValue(Connection c, String query) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!st.execute(query)) {
                return null;
            }
            try (ResultSet r = st.getResultSet()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    Connection connect(String host, int port, Duration socketTimeout) throws SQLException {
        return connect(host, port, "postgres", socketTimeout);
    }

    Connection connect(String host, int port, String database, Duration socketTimeout) throws SQLException {
        return connect(host, port, database, socketTimeout, new Properties());
    }

    /** A connection with {@code extra} driver properties on top of the usual ones. */
    Connection connect(String host, int port, String database, Duration socketTimeout, Properties extra)
            throws SQLException {
        Properties props = new Properties();
        props.putAll(extra);
        props.setProperty("user", s.superuser());
        s.superuserPassword().ifPresent(p -> props.setProperty("password", p));
        props.setProperty(
                "connectTimeout", Long.toString(Math.max(1, s.sqlTimeout().toSeconds())));
        props.setProperty("socketTimeout", Long.toString(timeoutMillis(socketTimeout) / 1000));
        props.setProperty("ApplicationName", "pgha-agent");
        s.tls().ifPresent(tls -> tls.clientOptions(host).forEach(props::setProperty));
        Connection c = driver.connect("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused the URL");
        }
        return c;
    }

    /** A socket timeout in whole seconds (at least one), as milliseconds. */
    private static int timeoutMillis(Duration timeout) {
        return (int) Math.min(Integer.MAX_VALUE / 1000, Math.max(1, timeout.toSeconds())) * 1000;
    }

    private static java.time.Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
