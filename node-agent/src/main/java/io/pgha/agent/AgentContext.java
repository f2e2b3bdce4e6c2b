package io.pgha.agent;

import io.pgha.agent.api.LastError;
import io.pgha.agent.config.AgentConfig;
import io.pgha.agent.decide.MonotonicClock;
import io.pgha.agent.decide.RetryBackoff;
import io.pgha.agent.decide.ToolErrors;
import io.pgha.agent.pg.PostgresControl;
import io.pgha.agent.pg.Upstream;
import io.pgha.core.DynamicConfig;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.ClusterStore;
import io.pgha.core.store.MemberEntry;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the agent's steps (bootstrap, loop, actions, handover, publishing) share: this member's
 * identity and side-effect interfaces, its {@link Role}, and what it knows about itself between loop
 * runs. PostgreSQL steps hold {@link #pgLock}; etcd calls never do.
 */
final class AgentContext {
    private static final Logger LOG = Logger.getLogger(AgentContext.class);
    static final String CLONE = "clone";
    static final String REWIND = "rewind";

    final AgentConfig config;
    final String me;
    final ClusterStore store;
    final PostgresControl pg;
    final PgProcess process;
    final MonotonicClock clock;
    final Duration safetyMargin;
    final Object pgLock = new Object();
    final Role.Machine role = new Role.Machine(Role.BOOTSTRAPPING);
    /** Set once at start, before any thread but the starting one uses the context. */
    LeaseKeeper keeper;
    /** Failsafe mode's REST side: the primary's rounds, a replica's answers (set at start). */
    volatile Failsafe failsafe;
    /** The REST restart, reload and reinitialize; the loop carries out a scheduled restart (set at start). */
    volatile RestActions rest;
    /** Where the dynamic config's postgresql.parameters are kept for pgha.conf (set at start). */
    io.pgha.agent.pg.ExtraSettings extra = new io.pgha.agent.pg.ExtraSettings();

    volatile DynamicConfig dynamic;
    /** Reads the dynamic config from etcd and remembers why the last one was refused. */
    DynamicConfigReader dynamicReader = new DynamicConfigReader();

    volatile ClusterSnapshot lastSnapshot;
    /** The member this standby's primary_conninfo names. */
    volatile Optional<String> following = Optional.empty();
    /** This data directory ran as a primary and may hold WAL others lack. */
    volatile boolean mayHaveDiverged;
    /** The fast failover's report: detached from the leader of that epoch (null: none). */
    volatile io.pgha.core.MemberStatus.Detached detached;
    /** When a primary's PostgreSQL was first seen down (crash), null otherwise. */
    volatile Long primaryDownSinceNanos;
    /** The failed clone or rewind being backed off, null when none. */
    volatile RetryBackoff backoff;
    /** Run right before a promotion, closed after it (the WAL archive's {@code WalService.beforePromotion}). */
    volatile java.util.function.Supplier<io.pgha.agent.wal.AbsentHistory.Mark> beforePromotion =
            () -> io.pgha.agent.wal.AbsentHistory.Mark.NONE;
    /**
     * Counts the starts and ends of REST steps that stop and start PostgreSQL (restart, reinitialize):
     * odd while one runs. The loop discards a probe taken while one ran, since it saw PostgreSQL
     * half-way through a step it did not take (down, though nothing crashed).
     */
    private final java.util.concurrent.atomic.AtomicLong restSteps = new java.util.concurrent.atomic.AtomicLong();

    AgentContext(
            AgentConfig config,
            String me,
            ClusterStore store,
            PostgresControl pg,
            PgProcess process,
            MonotonicClock clock,
            Duration safetyMargin,
            DynamicConfig dynamic) {
        this.config = config;
        this.me = me;
        this.store = store;
        this.pg = pg;
        this.process = process;
        this.clock = clock;
        this.safetyMargin = safetyMargin;
        this.dynamic = dynamic;
    }

    /** Runs a REST step that stops and starts PostgreSQL (the caller holds pgLock). */
    void restStep(Runnable step) {
        restSteps.incrementAndGet();
        try {
            step.run();
        } finally {
            restSteps.incrementAndGet();
        }
    }

    /** Where the REST steps' count stands, to compare with {@link #restStepSince} after a probe. */
    long restStepMark() {
        return restSteps.get();
    }

    /** A REST step ran (or runs) since {@code mark} was taken. */
    boolean restStepSince(long mark) {
        return mark % 2 == 1 || restSteps.get() != mark;
    }

    // --- PostgreSQL steps (callers hold pgLock) ---

    void configurePg(boolean standby, Optional<Upstream> upstream) {
        process.configure(standby, upstream);
    }

    /**
     * The dynamic config's {@code postgresql.parameters}, {@code pg_hba} or {@code pg_ident} changed:
     * rewrites pgha.conf, pg_hba.conf and pg_ident.conf and reloads a running PostgreSQL (a setting that
     * only a restart applies then shows as {@code pending_restart}). While it is not running, or its role
     * is changing, the next start or reconfiguration writes them. The lines were validated when the
     * config was read ({@link DynamicConfigReader}), and are checked again before anything is written.
     */
    void applyPostgresql(DynamicConfig.Postgresql next) {
        java.util.Map<String, String> parameters = next.parameters();
        if (parameters.equals(extra.dynamic())
                && next.pgHba().equals(extra.pgHba())
                && next.pgIdent().equals(extra.pgIdent())) {
            return;
        }
        String what = parameters.equals(extra.dynamic())
                ? "postgresql.pg_hba/pg_ident"
                : "postgresql.parameters " + parameters.keySet();
        extra.dynamic(parameters);
        extra.files(next.pgHba(), next.pgIdent());
        synchronized (pgLock) {
            Role now = role.current();
            if ((now != Role.PRIMARY && now != Role.STANDBY) || !pg.running()) {
                LOG.infof("%s changed: written with the next start", what);
                return;
            }
            boolean standby = now == Role.STANDBY;
            Optional<Upstream> up = standby ? following.flatMap(this::upstream) : Optional.empty();
            if (standby && up.isEmpty()) {
                // not following anyone known yet: the Follow that comes next writes them (no empty primary_conninfo)
                LOG.infof("%s changed: written when this standby follows", what);
                return;
            }
            configurePg(standby, up);
            pg.reload();
            LOG.infof("%s changed: pgha.conf, pg_hba.conf and pg_ident.conf rewritten and reloaded", what);
        }
    }

    void startPg() {
        process.start();
    }

    void stopPg() {
        Role now = role.current();
        stopPg(
                now == Role.PRIMARY || now.steppingDown()
                        ? primaryStopTimeout()
                        : config.postgres().stopTimeout());
    }

    /** A primary's fast-shutdown timeout: pgha.postgres.stop-timeout, or primary_stop_timeout (see DynamicConfig). */
    Duration primaryStopTimeout() {
        return dynamic.primaryStopTimeout(config.postgres().stopTimeout());
    }

    void stopPg(Duration fastTimeout) {
        Role now = role.current();
        process.stop(fastTimeout, now == Role.PRIMARY || now.steppingDown() ? "primary" : "replica");
    }

    void awaitAccepting(Duration timeout) {
        process.awaitAccepting(timeout);
    }

    /** {@code timeout}, but no longer than the lease has left before the fencing deadline (at least 1 s). */
    Duration boundedByLease(Duration timeout) {
        Duration left = keeper.remaining();
        Duration bound = left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
        return timeout.compareTo(bound) < 0 ? timeout : bound;
    }

    void reclone(Upstream up) {
        String slot = PostgresControl.slotName(me);
        pg.ensureSlotOn(up, slot);
        pg.wipe();
        pg.basebackup(up, slot);
    }

    void ensureOwnSlotOn(Upstream up) {
        try {
            pg.ensureSlotOn(up, PostgresControl.slotName(me));
        } catch (RuntimeException e) {
            LOG.warnf("%s (the leader creates it too)", e.getMessage());
        }
    }

    // --- what the last snapshot says ---

    Optional<Upstream> upstream(String member) {
        ClusterSnapshot s = lastSnapshot;
        if (s == null) {
            return Optional.empty();
        }
        return s.member(member)
                .map(MemberEntry::status)
                .filter(st -> st.connUrl() != null)
                .map(st -> Upstream.fromConnUrl(member, st.connUrl()));
    }

    /** The leader key names this member and is bound to its current lease. */
    boolean leaderIsMine(ClusterSnapshot snapshot) {
        return snapshot.leader()
                .map(l -> l.member().equals(me) && l.lease() == keeper.lease())
                .orElse(false);
    }

    /**
     * The {@code synchronous_standby_names} this member applies as primary: the sync key's set when it
     * was chosen for this member; with none, any standby in strict synchronous mode (commits block
     * until a standby has them) and nothing otherwise. Empty: keep what is applied.
     */
    Optional<String> desiredSync(ClusterSnapshot snapshot) {
        boolean strict = dynamic.synchronousMode() && dynamic.synchronousModeStrict();
        return namedSync(snapshot).map(names -> names.isEmpty() && strict ? SyncSet.ANY_STANDBY : names);
    }

    private Optional<String> namedSync(ClusterSnapshot snapshot) {
        if (snapshot == null) {
            return Optional.empty();
        }
        if (snapshot.sync().isEmpty()) {
            return Optional.of("");
        }
        try {
            SyncSet set = SyncSet.fromJson(snapshot.sync().get());
            if (set.leader() != null && !set.leader().equals(me)) {
                return Optional.of("");
            }
            return Optional.of(set.standbyNames());
        } catch (IllegalArgumentException e) {
            LOG.errorf("ignoring the sync key (keeping the applied set): %s", e.getMessage());
            return Optional.empty();
        }
    }

    // --- failed clones and rewinds: classified, backed off, shown on /patroni ---

    /** False while {@code action} is backed off after a failure (it is skipped this run). */
    boolean mayRetry(String action) {
        RetryBackoff b = backoff;
        if (b == null || b.allows(action, clock.nanoTime())) {
            return true;
        }
        LOG.debugf(
                "%s backed off for %d ms: %s",
                action, b.nextAttemptIn(clock.nanoTime()).toMillis(), b.reason());
        return false;
    }

    void failed(String action, RuntimeException e) {
        RetryBackoff b = RetryBackoff.after(backoff, action, ToolErrors.classify(e), clock.nanoTime());
        backoff = b;
        LOG.errorf(
                "%s failed (%s, %d in a row): %s; next attempt in %d s",
                action,
                b.permanent() ? "permanent: needs an operator" : "retriable",
                b.failures(),
                b.reason(),
                b.nextAttemptIn(clock.nanoTime()).toSeconds());
    }

    void succeeded(String action) {
        RetryBackoff b = backoff;
        if (b != null && b.action().equals(action)) {
            backoff = null;
        }
    }

    /**
     * The step that failed last and how it is retried; else why the dynamic config in etcd is refused
     * (permanent: an operator must correct it); else none.
     */
    Optional<LastError> lastError() {
        RetryBackoff b = backoff;
        if (b == null) {
            return dynamicReader.refusal().map(reason -> new LastError(DynamicConfigReader.ACTION, reason, true, 1, 0));
        }
        return Optional.of(new LastError(
                b.action(),
                b.reason(),
                b.permanent(),
                b.failures(),
                b.nextAttemptIn(clock.nanoTime()).toMillis() / 1000.0));
    }
}
