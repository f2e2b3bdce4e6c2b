package io.pgha.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.agent.api.AgentView;
import io.pgha.agent.config.AgentConfig;
import io.pgha.agent.config.Checks;
import io.pgha.agent.config.Secrets;
import io.pgha.agent.decide.Action;
import io.pgha.agent.decide.Fencing;
import io.pgha.agent.decide.HaDecision;
import io.pgha.agent.decide.MonotonicClock;
import io.pgha.agent.decide.Observation;
import io.pgha.agent.pg.LocalPostgres;
import io.pgha.agent.pg.PgState;
import io.pgha.agent.pg.PostgresControl;
import io.pgha.agent.pg.ProcessRunner;
import io.pgha.agent.pg.Upstream;
import io.pgha.core.DynamicConfig;
import io.pgha.core.EtcdLayout;
import io.pgha.core.MemberStatus;
import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.ClusterStore;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.MemberEntry;
import io.pgha.core.store.StoreException;
import io.pgha.events.Lsn;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The node-agent: registers its member, bootstraps or clones PostgreSQL, then runs the loop (every
 * loop_wait and at once on a change of the leader key) that keeps PostgreSQL consistent with the
 * leader key, and a watchdog that fences a primary whose lease cannot be renewed. See DESIGN.md.
 */
@ApplicationScoped
public class NodeAgent {
    private static final Logger LOG = Logger.getLogger(NodeAgent.class);
    public static final String VERSION = "0.1.0";

    @Inject
    AgentConfig config;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.http.host")
    String httpHost;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    private final MonotonicClock clock = MonotonicClock.SYSTEM;
    private final Object pgLock = new Object();
    private final Semaphore wake = new Semaphore(0);

    private ClusterStore store;
    private PostgresControl pg;
    private String me;
    private String connUrl;
    private String apiUrl;
    private Map<String, Object> tags;
    private Duration safetyMargin;
    private volatile DynamicConfig dynamic = DynamicConfig.DEFAULTS;
    private volatile Fencing fencing;
    private volatile long lease;
    private volatile long lastRenewalSentNanos;
    private volatile long lastLoopNanos;
    private volatile long dcsLastSeenMillis;
    private volatile boolean fenced;
    /** Handovers and demotions under way: the REST view stops answering /primary during them. */
    private final AtomicInteger steppingDown = new AtomicInteger();

    private volatile boolean configuredStandby;
    private volatile boolean startReported;
    private volatile String lastRole;
    private Callbacks callbacks;
    /** The mod revision of the switchover key this agent last handled (the same request again is a new write). */
    private volatile long handledSwitchover;

    private volatile boolean actingPrimary;
    private volatile boolean mayHaveDiverged;
    private volatile boolean bootstrapped;
    private volatile boolean stopping;
    private volatile Long primaryDownSinceNanos;
    private volatile Optional<String> following = Optional.empty();
    private volatile ClusterSnapshot lastSnapshot;
    private volatile AgentView view;
    private Thread loop;
    private ScheduledExecutorService watchdog;
    private AutoCloseable watch;

    void onStart(@Observes StartupEvent event) {
        me = EtcdLayout.requireName("member", config.name());
        EtcdLayout layout = EtcdLayout.of(config.cluster());
        mdc();
        DynamicConfig bootstrapConfig = Checks.dynamicConfig(config.dcs());
        safetyMargin = config.fencing().safetyMargin();
        new Fencing(bootstrapConfig.ttlDuration(), safetyMargin); // fails at start when the margin does not fit
        callbacks = new Callbacks(config.callbacks(), config.cluster());
        pg = new LocalPostgres(postgresSettings(bootstrapConfig), new ProcessRunner());
        String pgHost = config.postgres().connectHost().orElse(config.postgres().listenHost());
        connUrl = "postgres://" + pgHost + ":" + config.postgres().port() + "/postgres";
        apiUrl = "http://" + config.restapi().connectHost().orElse(httpHost) + ":" + httpPort + "/patroni";
        tags = new LinkedHashMap<>();
        tags.put("nofailover", config.tags().nofailover());
        tags.put("failover_priority", config.tags().failoverPriority());
        tags.put("noloadbalance", config.tags().noloadbalance());
        tags.put("nosync", config.tags().nosync());
        view = new AgentView(
                config.cluster(),
                me,
                PgState.stopped(),
                Optional.empty(),
                false,
                false,
                Optional.empty(),
                bootstrapConfig.maximumLagOnFailover(),
                Set.of(),
                tags,
                0,
                true,
                VERSION);

        store = EtcdClusterStore.connect(config.etcdEndpoints(), layout, bootstrapConfig.retryTimeoutDuration());
        ClusterSnapshot snapshot;
        try {
            snapshot = store.read();
        } catch (StoreException e) {
            store.close();
            throw new IllegalStateException(
                    "etcd at " + config.etcdEndpoints() + " (pgha.etcd.endpoints) is not" + " reachable: "
                            + e.getMessage() + "; start etcd or fix the endpoints",
                    e);
        }
        io.pgha.agent.decide.SlotNames.refuseCollision(me, snapshot.members().keySet());
        dynamic = snapshot.config().flatMap(this::parseDynamic).orElse(bootstrapConfig);
        fencing = new Fencing(dynamic.ttlDuration(), safetyMargin);
        register(layout);
        dcsLastSeenMillis = System.currentTimeMillis();
        lastLoopNanos = clock.nanoTime();
        registerMetrics();

        loop = new Thread(this::runLoop, "pgha-loop");
        loop.start();
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pgha-fencing");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::checkFencing, 100, 100, TimeUnit.MILLISECONDS);
        LOG.infof("member %s registered (conn_url %s, api_url %s, ttl %d s)", me, connUrl, apiUrl, dynamic.ttl());
    }

    private void register(EtcdLayout layout) {
        long sent = clock.nanoTime();
        lease = store.grantLease(dynamic.ttlDuration());
        lastRenewalSentNanos = sent;
        MemberStatus initial = status(PgState.stopped());
        if (store.createMember(me, initial, lease)) {
            return;
        }
        Optional<MemberEntry> existing = store.read().member(me);
        String existingApi =
                existing.map(MemberEntry::status).map(MemberStatus::apiUrl).orElse("?");
        if (existingApi.equals(apiUrl)) {
            LOG.warnf("member key %s is left from this agent's previous run: taking it over", layout.member(me));
            store.putMember(me, initial, lease);
            return;
        }
        store.revokeLease(lease);
        store.close();
        throw new IllegalStateException("member name '" + me + "' is already in use in cluster '"
                + config.cluster() + "': " + layout.member(me) + " belongs to a live agent (api_url " + existingApi
                + ", conn_url "
                + existing.map(MemberEntry::status).map(MemberStatus::connUrl).orElse("?")
                + "); give this agent another pgha.name or stop the other one");
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        wake.release();
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeWatch();
        if (pg != null) {
            synchronized (pgLock) {
                stopPg();
            }
        }
        if (store != null) {
            try {
                store.releaseLeader(me);
                store.revokeLease(lease);
            } catch (RuntimeException e) {
                LOG.warnf("could not release the lease on shutdown: %s", e.getMessage());
            }
            store.close();
        }
        if (callbacks != null) {
            callbacks.close();
        }
        LOG.info("stopped");
    }

    /** The latest view for the REST API. */
    public AgentView view() {
        AgentView v = view;
        if (v == null) {
            return null; // not started yet
        }
        boolean alive = clock.nanoTime() - lastLoopNanos
                < Math.max(
                        dynamic.ttlDuration().toNanos() * 2,
                        Duration.ofSeconds(30).toNanos());
        return v.asOfNow(fenced, steppingDown.get() > 0, actingPrimary, alive);
    }

    /** Seconds since the last successful lease renewal was sent. */
    public double secondsSinceRenewal() {
        return (clock.nanoTime() - lastRenewalSentNanos) / 1e9;
    }

    // --- REST actions ---

    /** Restarts PostgreSQL in its current role. */
    public void restartPostgres() {
        synchronized (pgLock) {
            boolean standby = !actingPrimary;
            stopPg();
            Optional<Upstream> up = following.flatMap(this::upstream);
            configurePg(standby, up);
            startPg();
        }
        wake.release();
    }

    /** Reloads PostgreSQL's configuration. */
    public void reloadPostgres() {
        synchronized (pgLock) {
            pg.reload();
        }
    }

    /** Re-clones this replica from the leader; refused on the primary. */
    public void reinitialize() {
        synchronized (pgLock) {
            if (actingPrimary) {
                throw new IllegalStateException("this member is the primary: it cannot be reinitialized");
            }
            String leader = lastSnapshot == null
                    ? null
                    : lastSnapshot.leader().map(l -> l.member()).orElse(null);
            Upstream up = leader == null ? null : upstream(leader).orElse(null);
            if (up == null) {
                throw new IllegalStateException("no leader to clone from");
            }
            stopPg();
            reclone(up);
            configurePg(true, Optional.of(up));
            startPg();
            following = Optional.of(leader);
            mayHaveDiverged = false;
        }
    }

    // --- the loop ---

    private void runLoop() {
        mdc();
        while (!stopping) {
            try {
                if (!bootstrapped) {
                    bootstrap();
                } else {
                    runOnce();
                }
            } catch (RuntimeException e) {
                if (stopping) {
                    break;
                }
                LOG.errorf("loop run failed: %s", e.getMessage());
                LOG.debug("loop run failure", e);
                if (bootstrapped) {
                    try {
                        updateView(null, pg.probe());
                    } catch (RuntimeException inner) {
                        LOG.debugf("could not refresh the view: %s", inner.getMessage());
                    }
                }
            }
            lastLoopNanos = clock.nanoTime();
            try {
                if (wake.tryAcquire(dynamic.loopWait(), TimeUnit.SECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    private void bootstrap() {
        renewLease();
        if (pg.initialized()) {
            pg.stopLeftover();
            mayHaveDiverged = pg.lastRanAsPrimary();
            LOG.infof(
                    "data directory exists (last ran as %s): joining the cluster",
                    mayHaveDiverged ? "primary" : "standby");
            bootstrapped = true;
            startWatch();
            return;
        }
        ClusterSnapshot snapshot = store.read();
        if (snapshot.initialize().isEmpty()) {
            if (store.createInitialize("")) {
                LOG.info("won the initialize race: initdb");
                initializeCluster(snapshot);
                bootstrapped = true;
                startWatch();
            }
            return;
        }
        Optional<MemberEntry> leader = snapshot.leaderMember().filter(m -> m.status() != null);
        if (leader.isEmpty()) {
            LOG.info("waiting for a leader to clone from");
            publish(PgState.stopped());
            return;
        }
        Upstream up =
                Upstream.fromConnUrl(leader.get().name(), leader.get().status().connUrl());
        LOG.infof("cloning from the leader %s", up.member());
        synchronized (pgLock) {
            try {
                reclone(up);
            } catch (RuntimeException e) {
                pg.wipe();
                throw e;
            }
            configurePg(true, Optional.of(up));
            startPg();
            following = Optional.of(up.member());
        }
        bootstrapped = true;
        startWatch();
    }

    private void initializeCluster(ClusterSnapshot snapshot) {
        synchronized (pgLock) {
            try {
                pg.initdb();
                configurePg(false, Optional.empty());
                startPg();
                awaitAccepting(Duration.ofSeconds(120));
                pg.createRoles();
                store.putInitialize(pg.systemIdentifier());
                store.createConfig(dynamic);
                actingPrimary = true;
                mayHaveDiverged = true;
                if (!store.acquireLeader(me, lease)) {
                    LOG.error("the leader key was taken by another member during bootstrap: demoting");
                    return;
                }
                LOG.infof("bootstrapped the cluster: primary with the leader key");
                ensureSlots(snapshot);
            } catch (RuntimeException e) {
                LOG.errorf("bootstrap failed, giving the initialize race back: %s", e.getMessage());
                stopPg();
                pg.wipe();
                actingPrimary = false;
                try {
                    store.deleteInitialize();
                } catch (RuntimeException inner) {
                    e.addSuppressed(inner);
                }
                throw e;
            }
        }
    }

    private void runOnce() {
        renewLease();
        ClusterSnapshot snapshot = null;
        try {
            snapshot = store.read();
            lastSnapshot = snapshot;
            dcsLastSeenMillis = System.currentTimeMillis();
            snapshot.config().flatMap(this::parseDynamic).ifPresent(this::applyDynamic);
        } catch (StoreException e) {
            LOG.warnf("cannot read the cluster from etcd: %s", e.getMessage());
        }
        PgState state = observe();
        Observation observation = observation(snapshot, state);
        List<Action> actions = HaDecision.decide(observation);
        for (Action action : actions) {
            try {
                execute(action, snapshot);
            } catch (RuntimeException e) {
                // the view and the member key must still show what PostgreSQL is doing now
                LOG.errorf("%s failed: %s", action, e.getMessage());
                LOG.debug("action failure", e);
                break;
            }
        }
        if (!actions.isEmpty()) {
            state = observe();
        }
        if (observation.leaderIsMine() && state.isPrimary() && !fenced) {
            Optional<String> sync = desiredSync(snapshot);
            if (sync.isPresent() && !sync.get().equals(String.valueOf(state.syncStandbyNames()))) {
                LOG.infof("applying synchronous_standby_names = '%s' from the sync key", sync.get());
                synchronized (pgLock) {
                    pg.applySynchronousStandbyNames(sync.get());
                }
                state = observe();
            }
        }
        if (snapshot != null) {
            publish(state);
        }
        updateView(snapshot, state);
    }

    private PgState observe() {
        PgState state = pg.probe();
        String role = state.isPrimary() ? "primary" : state.isStandby() ? "replica" : null;
        if (role != null && lastRole != null && !role.equals(lastRole)) {
            callbacks.onRoleChange(role);
        }
        if (role != null) {
            lastRole = role;
        }
        if (state.isPrimary()) {
            actingPrimary = true;
            mayHaveDiverged = true;
            primaryDownSinceNanos = null;
        } else if (state.isStandby()) {
            actingPrimary = false;
            primaryDownSinceNanos = null;
        } else if (actingPrimary && primaryDownSinceNanos == null) {
            primaryDownSinceNanos = clock.nanoTime();
            LOG.warnf("PostgreSQL is down while primary (running=%s): restarting it in place", state.running());
        }
        return state;
    }

    private Observation observation(ClusterSnapshot snapshot, PgState state) {
        if (snapshot == null) {
            return new Observation(
                    me,
                    false,
                    Optional.empty(),
                    false,
                    false,
                    state.running(),
                    state.accepting(),
                    state.inRecovery(),
                    following,
                    mayHaveDiverged,
                    crashedFor(),
                    0,
                    Optional.empty(),
                    fenced);
        }
        Optional<String> leader = snapshot.leader().map(l -> l.member());
        boolean mine = snapshot.leader()
                .map(l -> l.member().equals(me) && l.lease() == lease)
                .orElse(false);
        boolean hasAddress = snapshot.leaderMember()
                .map(MemberEntry::status)
                .map(MemberStatus::connUrl)
                .isPresent();
        return new Observation(
                me,
                true,
                leader,
                mine,
                hasAddress,
                state.running(),
                state.accepting(),
                state.inRecovery(),
                following,
                mayHaveDiverged,
                crashedFor(),
                dynamic.primaryStartTimeoutDuration().toNanos(),
                pendingHandover(snapshot),
                fenced);
    }

    private Optional<Long> crashedFor() {
        Long since = primaryDownSinceNanos;
        return since == null ? Optional.empty() : Optional.of(clock.nanoTime() - since);
    }

    private void execute(Action action, ClusterSnapshot snapshot) {
        if (action instanceof Action.EnsureSlots) {
            LOG.debugf("action: %s", action);
        } else {
            LOG.infof("action: %s", action);
        }
        synchronized (pgLock) {
            if (fenced && (action instanceof Action.StartPrimary || action instanceof Action.Promote)) {
                LOG.warnf("skipping %s: fenced until a lease renewal succeeds", action);
                return;
            }
            if (action instanceof Action.StartPrimary) {
                if (pg.running()) {
                    return; // started meanwhile (say, by a REST restart)
                }
                configurePg(false, Optional.empty());
                startPg();
                awaitAccepting(Duration.ofSeconds(2));
            } else if (action instanceof Action.StartStandby a) {
                if (pg.running()) {
                    return; // started meanwhile (say, by a REST restart or reinitialize)
                }
                Optional<Upstream> up = Optional.ofNullable(a.leader()).flatMap(this::upstream);
                up.ifPresent(this::ensureOwnSlotOn);
                configurePg(true, up);
                startPg();
                following = up.map(Upstream::member);
            } else if (action instanceof Action.Promote) {
                LOG.info("the leader key names this member: promoting");
                Optional<String> sync = desiredSync(snapshot);
                if (sync.isPresent()) {
                    // in place before the first commit as primary: none is acknowledged unprotected
                    LOG.infof("synchronous_standby_names = '%s' from the sync key, before promotion", sync.get());
                    pg.prepareSynchronousStandbyNames(sync.get());
                    configurePg(true, following.flatMap(this::upstream));
                    pg.reload();
                }
                pg.promote();
                actingPrimary = true;
                mayHaveDiverged = true;
                following = Optional.empty();
                LOG.info("promoted: out of recovery");
            } else if (action instanceof Action.EnsureSlots) {
                ensureSlots(snapshot);
            } else if (action instanceof Action.Follow a) {
                Upstream up = upstream(a.leader()).orElseThrow();
                ensureOwnSlotOn(up);
                configurePg(true, Optional.of(up));
                pg.reload();
                following = Optional.of(a.leader());
                LOG.infof("following %s (primary_conninfo changed, reloaded)", a.leader());
            } else if (action instanceof Action.RewindAndFollow a) {
                rewindAndFollow(a.leader());
            } else if (action instanceof Action.Demote a) {
                demote(a.reason());
            } else if (action instanceof Action.HandOver a) {
                handOver(a.candidate(), snapshot);
            } else if (action instanceof Action.ReleaseLeader a) {
                LOG.errorf("releasing the leader key: %s", a.reason());
                store.releaseLeader(me);
                actingPrimary = false;
                primaryDownSinceNanos = null;
            }
        }
    }

    private Optional<String> pendingHandover(ClusterSnapshot snapshot) {
        Optional<String> json = snapshot.switchover();
        if (json.isEmpty() || snapshot.revisionOf("switchover") == handledSwitchover) {
            return Optional.empty();
        }
        try {
            Switchover switchover = Switchover.fromJson(json.get());
            if (switchover.scheduled()) {
                return Optional.empty(); // the coordinator rewrites it without the time once it is due
            }
            if (me.equals(switchover.leader()) && switchover.member() != null && !me.equals(switchover.member())) {
                return Optional.of(switchover.member());
            }
        } catch (IllegalArgumentException e) {
            LOG.errorf("ignoring the switchover key: %s", e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * The {@code synchronous_standby_names} this member applies as primary: the sync key's set when it
     * was chosen for this member; with none, any standby in strict synchronous mode (commits block
     * until a standby has them) and nothing otherwise. Empty: keep what is applied.
     */
    private Optional<String> desiredSync(ClusterSnapshot snapshot) {
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

    private void handOver(String candidate, ClusterSnapshot snapshot) {
        handledSwitchover = snapshot.revisionOf("switchover");
        Optional<Upstream> target = upstream(candidate);
        PgState state = pg.probe();
        boolean streaming = state.replication().stream()
                .anyMatch(r -> candidate.equals(r.applicationName()) && "streaming".equals(r.state()));
        if (target.isEmpty() || !streaming) {
            LOG.errorf("refusing the handover to %s: it is not a member streaming from this primary", candidate);
            return;
        }
        Upstream up = target.get();
        LOG.infof("planned handover to %s: checkpoint, fast stop", candidate);
        steppingDown.incrementAndGet();
        try {
            pg.checkpoint();
            stopPg();
            Lsn shutdownCheckpoint = pg.latestCheckpoint();
            long deadline = clock.nanoTime()
                    + dynamic.retryTimeoutDuration().multipliedBy(3).toNanos();
            boolean received = false;
            while (!received && clock.nanoTime() - deadline < 0) {
                try {
                    received = pg.receivedOn(up)
                            .map(l -> l.compareTo(shutdownCheckpoint) > 0)
                            .orElse(false);
                } catch (IllegalStateException e) {
                    LOG.debugf("asking %s for its receive position: %s", candidate, e.getMessage());
                }
                if (!received) {
                    sleep(Duration.ofMillis(100));
                }
            }
            if (!received) {
                LOG.errorf(
                        "handover aborted: %s did not receive the shutdown checkpoint %s; restarting as primary",
                        candidate, shutdownCheckpoint);
                configurePg(false, Optional.empty());
                startPg();
                awaitAccepting(Duration.ofSeconds(30));
                return;
            }
            actingPrimary = false;
            primaryDownSinceNanos = null;
            store.releaseLeader(me);
            LOG.infof(
                    "%s received the shutdown checkpoint %s: leader key released, following it",
                    candidate, shutdownCheckpoint);
            configurePg(true, Optional.of(up));
            startPg();
            following = Optional.of(candidate);
            mayHaveDiverged = false;
        } finally {
            steppingDown.decrementAndGet();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void rewindAndFollow(String leader) {
        Upstream up = upstream(leader).orElseThrow();
        LOG.infof("%s is the leader and this data directory may have diverged: stop, rewind, follow", leader);
        stopPg();
        actingPrimary = false;
        primaryDownSinceNanos = null;
        ensureOwnSlotOn(up);
        boolean rewound = dynamic.usePgRewind() && pg.rewind(up);
        if (!rewound) {
            if (!config.postgres().recloneOnRewindFailure()) {
                throw new IllegalStateException("pg_rewind from " + leader + " failed or is disabled and"
                        + " pgha.postgres.reclone-on-rewind-failure is off: this member stays down");
            }
            LOG.warnf("re-cloning from %s", leader);
            reclone(up);
        }
        configurePg(true, Optional.of(up));
        startPg();
        following = Optional.of(leader);
        mayHaveDiverged = false;
    }

    private void reclone(Upstream up) {
        String slot = PostgresControl.slotName(me);
        pg.ensureSlotOn(up, slot);
        pg.wipe();
        pg.basebackup(up, slot);
    }

    private void demote(String reason) {
        LOG.errorf("demoting: %s", reason);
        steppingDown.incrementAndGet();
        try {
            // sessions end at once with the fast shutdown; do not wait long for unreachable standbys
            stopPg(safetyMargin.isZero() ? Duration.ofSeconds(1) : safetyMargin);
            actingPrimary = false;
            mayHaveDiverged = true;
            primaryDownSinceNanos = null;
            configurePg(true, Optional.empty());
            startPg();
            following = Optional.empty();
        } finally {
            steppingDown.decrementAndGet();
        }
    }

    private void ensureSlots(ClusterSnapshot snapshot) {
        ClusterSnapshot s = snapshot != null ? snapshot : store.read();
        List<String> slots = new ArrayList<>();
        for (String member : s.members().keySet()) {
            if (!member.equals(me)) {
                slots.add(PostgresControl.slotName(member));
            }
        }
        if (!slots.isEmpty()) {
            pg.ensureSlots(slots);
        }
    }

    private void ensureOwnSlotOn(Upstream up) {
        try {
            pg.ensureSlotOn(up, PostgresControl.slotName(me));
        } catch (RuntimeException e) {
            LOG.warnf("%s (the leader creates it too)", e.getMessage());
        }
    }

    private Optional<Upstream> upstream(String member) {
        ClusterSnapshot s = lastSnapshot;
        if (s == null) {
            return Optional.empty();
        }
        return s.member(member)
                .map(MemberEntry::status)
                .filter(st -> st.connUrl() != null)
                .map(st -> Upstream.fromConnUrl(member, st.connUrl()));
    }

    private void awaitAccepting(Duration timeout) {
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (!pg.probe().accepting()) {
            if (!pg.running()) {
                throw new IllegalStateException("PostgreSQL exited while starting (see postgresql.log)");
            }
            if (clock.nanoTime() - deadline > 0) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while PostgreSQL starts", e);
            }
        }
    }

    // --- lease and fencing ---

    private void renewLease() {
        long sent = clock.nanoTime();
        try {
            long ttl = store.keepAliveOnce(lease);
            if (ttl > 0) {
                lastRenewalSentNanos = sent;
                if (fenced) {
                    LOG.info("lease renewed again after self-fencing");
                    fenced = false;
                }
                return;
            }
            LOG.errorf("lease %x expired in etcd: this member's keys are gone", lease);
            if (actingPrimary && !fenced) {
                fence("the lease expired before it could be renewed");
            }
            long again = clock.nanoTime();
            lease = store.grantLease(dynamic.ttlDuration());
            lastRenewalSentNanos = again;
            fenced = false;
            store.putMember(me, status(pg.probe()), lease);
        } catch (StoreException e) {
            LOG.warnf(
                    "could not renew the lease: %s (a primary demotes in %d ms)",
                    e.getMessage(),
                    fencing.remaining(clock.nanoTime(), lastRenewalSentNanos).toMillis());
        }
    }

    private void checkFencing() {
        try {
            if (!fenced && actingPrimary && fencing.mustDemote(clock.nanoTime(), lastRenewalSentNanos)) {
                fence("no lease renewal succeeded for " + Math.round(secondsSinceRenewal() * 1000) + " ms (ttl "
                        + dynamic.ttl() + " s, safety margin " + safetyMargin.toMillis() + " ms)");
            }
        } catch (RuntimeException e) {
            LOG.errorf("self-fencing failed: %s", e.getMessage());
        }
    }

    private void fence(String reason) {
        mdc();
        fenced = true;
        LOG.errorf("self-fencing: %s; demoting before the lease can expire", reason);
        synchronized (pgLock) {
            demote("self-fencing");
        }
    }

    // --- publishing ---

    private void publish(PgState state) {
        try {
            store.putMember(me, status(state), lease);
        } catch (StoreException e) {
            LOG.warnf("could not publish the member key: %s", e.getMessage());
        }
    }

    private MemberStatus status(PgState state) {
        String role;
        if (!pg.initialized()) {
            role = MemberStatus.Role.UNINITIALIZED.text();
        } else if (state.isPrimary() && !fenced) {
            role = MemberStatus.Role.PRIMARY.text();
        } else if (fenced) {
            role = MemberStatus.Role.DEMOTED.text();
        } else {
            role = MemberStatus.Role.REPLICA.text();
        }
        String pgState = !state.running() ? "stopped" : state.accepting() ? "running" : "starting";
        return new MemberStatus(
                connUrl,
                apiUrl,
                role,
                pgState,
                state.timeline(),
                state.isPrimary() ? state.writeLsn() : null,
                state.receiveLsn(),
                state.replayLsn(),
                tags,
                state.isPrimary() ? state.syncStandbyNames() : null,
                VERSION);
    }

    private void updateView(ClusterSnapshot snapshot, PgState state) {
        AgentView old = view;
        Optional<String> leader =
                snapshot == null ? old.leader() : snapshot.leader().map(l -> l.member());
        boolean mine = snapshot == null
                ? old.leaderIsMine()
                : snapshot.leader()
                        .map(l -> l.member().equals(me) && l.lease() == lease)
                        .orElse(false);
        Optional<Lsn> leaderLsn = snapshot == null
                ? old.leaderLsn()
                : snapshot.leaderMember()
                        .map(MemberEntry::status)
                        .filter(s -> s.xlogLocation() != null)
                        .map(s -> Lsn.parse(s.xlogLocation()));
        Set<String> sync = snapshot == null ? old.syncStandbys() : syncMembers(snapshot);
        view = new AgentView(
                config.cluster(),
                me,
                state,
                leader,
                mine,
                fenced,
                leaderLsn,
                dynamic.maximumLagOnFailover(),
                sync,
                tags,
                dcsLastSeenMillis / 1000,
                true,
                VERSION);
    }

    private static Set<String> syncMembers(ClusterSnapshot snapshot) {
        return snapshot.sync()
                .map(json -> {
                    try {
                        com.fasterxml.jackson.databind.JsonNode node = io.pgha.core.Json.MAPPER.readTree(json);
                        String names = node.path("sync_standby").asText("");
                        return Set.of(names.isBlank() ? new String[0] : names.split("\\s*,\\s*"));
                    } catch (Exception e) {
                        return Set.<String>of();
                    }
                })
                .orElse(Set.of());
    }

    // --- helpers ---

    private void startWatch() {
        closeWatch();
        try {
            long revision = store.read().revision();
            watch = store.watch(revision + 1, wake::release);
        } catch (RuntimeException e) {
            LOG.warnf("could not watch the leader key (the loop still polls): %s", e.getMessage());
        }
    }

    private void closeWatch() {
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception ignored) {
                // closing a watch on shutdown
            }
            watch = null;
        }
    }

    private Optional<DynamicConfig> parseDynamic(String json) {
        try {
            return Optional.of(DynamicConfig.fromJson(json).validated());
        } catch (IllegalArgumentException e) {
            LOG.errorf("ignoring the dynamic config in etcd: %s", e.getMessage());
            return Optional.empty();
        }
    }

    private void applyDynamic(DynamicConfig next) {
        if (!next.equals(dynamic)) {
            if (safetyMargin.compareTo(next.ttlDuration()) >= 0) {
                LOG.errorf(
                        "ignoring the dynamic config in etcd: ttl %d s is not above pgha.fencing.safety-margin",
                        next.ttl());
                return;
            }
            LOG.infof("dynamic config changed: %s", next);
            dynamic = next;
            fencing = new Fencing(next.ttlDuration(), safetyMargin);
        }
    }

    private LocalPostgres.Settings postgresSettings(DynamicConfig bootstrapConfig) {
        AgentConfig.Postgres p = config.postgres();
        return new LocalPostgres.Settings(
                me,
                p.dataDir().toAbsolutePath(),
                p.binDir(),
                p.listenHost(),
                p.port(),
                p.allowedCidr(),
                p.fsync(),
                p.parameters(),
                p.superuser().username(),
                Secrets.resolve(
                        "superuser password",
                        p.superuser().password(),
                        p.superuser().passwordFile()),
                p.replication().username(),
                Secrets.resolve(
                        "replication password",
                        p.replication().password(),
                        p.replication().passwordFile()),
                p.monitoring().username(),
                Secrets.resolve(
                        "monitoring password",
                        p.monitoring().password(),
                        p.monitoring().passwordFile()),
                p.allowTrust(),
                p.stopTimeout(),
                bootstrapConfig.retryTimeoutDuration());
    }

    private void registerMetrics() {
        Gauge.builder("pgha_role_primary", this, a -> a.view().primaryOk() ? 1 : 0)
                .description("1 when this member runs as the primary holding the leader key")
                .register(registry);
        Gauge.builder("pgha_timeline", this, a -> a.view().pg().timeline())
                .description("PostgreSQL timeline")
                .register(registry);
        Gauge.builder("pgha_replication_lag_bytes", this, a -> a.view()
                        .lagBytes()
                        .orElse(0L))
                .description("bytes this replica is behind the leader")
                .register(registry);
        Gauge.builder("pgha_lease_renewal_age_seconds", this, NodeAgent::secondsSinceRenewal)
                .description("seconds since the last successful lease renewal was sent")
                .register(registry);
    }

    private void configurePg(boolean standby, Optional<Upstream> upstream) {
        pg.configure(standby, upstream);
        configuredStandby = standby;
    }

    private void startPg() {
        boolean wasRunning = pg.running();
        pg.start();
        if (!wasRunning && pg.running()) {
            startReported = true;
            callbacks.onStart(configuredStandby ? "replica" : "primary");
        }
    }

    private void stopPg() {
        stopPg(config.postgres().stopTimeout());
    }

    /** Stops PostgreSQL; on_stop follows every on_start (even when PostgreSQL went down by itself first). */
    private void stopPg(Duration fastTimeout) {
        boolean report = pg.running() || startReported;
        pg.stop(fastTimeout);
        if (report) {
            startReported = false;
            callbacks.onStop(actingPrimary ? "primary" : "replica");
        }
    }

    private void mdc() {
        MDC.put("cluster", config.cluster());
        MDC.put("member", config.name());
    }
}
