package io.pgha.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgha.agent.api.ActionAnswer;
import io.pgha.agent.api.AgentView;
import io.pgha.agent.api.RestEndpoint;
import io.pgha.agent.config.AgentConfig;
import io.pgha.agent.config.Checks;
import io.pgha.agent.decide.Fencing;
import io.pgha.agent.decide.MonotonicClock;
import io.pgha.agent.decide.Registration;
import io.pgha.agent.pg.ExtraSettings;
import io.pgha.agent.pg.LocalPostgres;
import io.pgha.agent.pg.PgSettings;
import io.pgha.agent.pg.PgState;
import io.pgha.agent.pg.ProcessRunner;
import io.pgha.agent.restore.RestoreKeys;
import io.pgha.agent.wal.ArchiveCommands;
import io.pgha.agent.wal.ArchiveMetrics;
import io.pgha.agent.wal.ArchiveSettings;
import io.pgha.agent.wal.WalService;
import io.pgha.core.DynamicConfig;
import io.pgha.core.EtcdLayout;
import io.pgha.core.MemberStatus;
import io.pgha.core.SecretSetting;
import io.pgha.core.Switchover;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.ClusterStore;
import io.pgha.core.store.EtcdAccess;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.MemberEntry;
import io.pgha.core.store.StoreException;
import io.pgha.core.tls.AgentApiTrust;
import io.pgha.events.Lsn;
import io.pgha.repository.Repository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The node-agent: wires its pieces at start, stops them at shutdown, and serves the REST actions.
 * {@link LeaseKeeper} renews the lease and fences a primary on threads of its own; {@link AgentLoop}
 * bootstraps ({@link Bootstrap}), then observes, decides ({@code decide/HaDecision}), executes
 * ({@link ActionExecutor}, {@link Handover}) and publishes ({@link StatusPublisher}). See DESIGN.md.
 */
@ApplicationScoped
public class NodeAgent {
    /** Creates of the member key tried while an old key of the same name keeps expiring meanwhile. */
    private static final int REGISTER_ATTEMPTS = 3;
    /** How long a starting agent retries its first etcd read. */
    private static final Duration ETCD_STARTUP_WINDOW = Duration.ofSeconds(30);

    private static final Duration ETCD_RETRY_PACE = Duration.ofSeconds(1);

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

    @ConfigProperty(name = "quarkus.http.ssl-port", defaultValue = "8443")
    int sslPort;

    @ConfigProperty(name = "quarkus.http.tls-configuration-name")
    Optional<String> httpTlsConfiguration;

    @Inject
    TlsConfigurationRegistry tlsRegistry;

    private final MonotonicClock clock = MonotonicClock.SYSTEM;
    private String me;
    private ClusterStore store;
    private Callbacks callbacks;
    /** Runs PostgreSQL's tools and holds the kept signal shell; closed when the agent stops. */
    private ProcessRunner runner;

    private AgentContext ctx;
    private ActionExecutor executor;
    private StatusPublisher publisher;
    private AgentLoop loop;
    private Thread loopThread;
    private volatile WalService wal;
    private volatile RestActions rest;

    /** HTTPS when the TLS configuration the HTTP server uses has a key store ({@link RestEndpoint}). */
    private RestEndpoint restEndpoint() {
        boolean serverTls = httpTlsConfiguration
                .map(tlsRegistry::get)
                .orElseGet(tlsRegistry::getDefault)
                .map(tls -> tls.getKeyStore() != null)
                .orElse(false);
        return RestEndpoint.decide(serverTls, httpPort, sslPort);
    }

    void onStart(@Observes StartupEvent event) {
        me = EtcdLayout.requireName("member", config.name());
        EtcdLayout layout = Checks.layout(config.etcdNamespace(), config.cluster());
        mdc();
        EtcdAccess etcd = EtcdAccess.of(config.etcdEndpoints(), config.etcdSecurity(), System.getenv());
        DynamicConfig bootstrapConfig = Checks.dynamicConfig(config.dcs());
        Duration safetyMargin = config.fencing().safetyMargin();
        new Fencing(bootstrapConfig.ttlDuration(), safetyMargin); // fails at start when the margin does not fit
        callbacks = new Callbacks(config.callbacks(), config.cluster());
        ExtraSettings extra = new ExtraSettings();
        ArchiveSettings archiveSettings = Checks.archive(config.archive());
        Optional<Repository> repository = Repository.open(config.repository());
        RestEndpoint endpoint = restEndpoint();
        SSLContext agentApiTrust = // a bad file stops the start
                AgentApiTrust.sslContext(config.agentApi().caFile(), AgentApiTrust.PROPERTY);
        ArchiveCommands.Tls archiveTls =
                new ArchiveCommands.Tls(endpoint.https(), config.agentApi().caFile());
        boolean fromRepository =
                Checks.bootstrapFromRepository(config.bootstrap().method(), repository.isPresent());
        boolean replicasFromRepository =
                Checks.replicasFromRepository(config.bootstrap().replicaMethod(), repository.isPresent());
        runner = new ProcessRunner();
        runner.startSignalShell(); // signals to the postmaster without a fork per signal
        LocalPostgres pg = new LocalPostgres(postgresSettings(bootstrapConfig), runner, extra);
        repository.ifPresent(r -> wal = new WalService(
                config.cluster(),
                r,
                archiveSettings,
                config.postgres().dataDir().toAbsolutePath(),
                httpHost,
                endpoint.port(),
                archiveTls,
                extra,
                this::mdc));
        String pgHost = config.postgres().connectHost().orElse(config.postgres().listenHost());
        String connUrl = "postgres://" + pgHost + ":" + config.postgres().port() + "/postgres";
        String apiUrl = endpoint.apiUrl(config.restapi().connectHost().orElse(httpHost));
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("nofailover", config.tags().nofailover());
        tags.put("failover_priority", config.tags().failoverPriority());
        tags.put("noloadbalance", config.tags().noloadbalance());
        tags.put("nosync", config.tags().nosync());
        tags.putAll(Checks.customTags(config.tags().custom()));

        store = EtcdClusterStore.connect(etcd, layout, bootstrapConfig.retryTimeoutDuration());
        ClusterSnapshot snapshot = firstRead(config.etcdEndpoints());
        io.pgha.agent.decide.SlotNames.refuseCollision(me, snapshot.members().keySet());
        DynamicConfigReader dynamicReader = new DynamicConfigReader();
        DynamicConfig dynamic = snapshot.config().flatMap(dynamicReader::read).orElse(bootstrapConfig);
        PgProcess process = new PgProcess(pg, clock, callbacks::onStart, callbacks::onStop);
        ctx = new AgentContext(config, me, store, pg, process, clock, safetyMargin, dynamic);
        WalService archiving = wal;
        if (archiving != null) {
            ctx.beforePromotion = archiving::beforePromotion;
        }
        ctx.extra = extra;
        ctx.dynamicReader = dynamicReader;
        extra.dynamic(dynamic.parameters()); // in pgha.conf from the first start
        extra.files(dynamic.postgresql().pgHba(), dynamic.postgresql().pgIdent()); // likewise pg_hba.conf
        ctx.keeper = new LeaseKeeper(
                store,
                clock,
                new Fencing(dynamic.ttlDuration(), safetyMargin),
                () -> ctx.dynamic.ttlDuration(),
                () -> Duration.ofSeconds(ctx.dynamic.loopWait()),
                new KeeperHolder());
        ctx.failsafe = new Failsafe(
                ctx,
                () -> SecretSetting.resolve(
                        "pgha.restapi.token",
                        config.restapi().token(),
                        config.restapi().tokenFile()),
                agentApiTrust);
        Handover handover =
                new Handover(process, ctx.pgLock, clock, ctx.keeper, new HandoverAgent(), Duration.ofMillis(20));
        executor = new ActionExecutor(ctx, handover);
        StatusPublisher status = new StatusPublisher(ctx, config.cluster(), connUrl, apiUrl, tags, VERSION);
        if (wal != null) {
            status.archive(wal.pusher()::status);
            LOG.infof("archiving WAL to %s through this agent", wal.repository().describe());
        }
        register(layout, status);
        publisher = status;
        Optional<RepositoryBootstrap> restore = fromRepository
                ? Optional.of(new RepositoryBootstrap(
                        ctx,
                        wal,
                        extra,
                        () -> new RestoreKeys(etcd, layout, bootstrapConfig.retryTimeoutDuration()),
                        config.bootstrap().repository()))
                : Optional.empty();
        Optional<ReplicaFromRepository> replicas =
                replicasFromRepository ? Optional.of(new ReplicaFromRepository(ctx, wal)) : Optional.empty();
        loop = new AgentLoop(
                ctx, new Bootstrap(ctx, executor, publisher, restore, replicas), executor, publisher, callbacks);
        ctx.pg.onPostmasterExit(loop::wakeUp);
        rest = new RestActions(ctx, this::view, loop::wakeUp);
        ctx.rest = rest;
        registerMetrics();

        loopThread = new Thread(
                () -> {
                    mdc();
                    loop.run();
                },
                "pgha-loop");
        loopThread.start();
        ctx.keeper.start();
        LOG.infof("member %s registered (conn_url %s, api_url %s, ttl %d s)", me, connUrl, apiUrl, dynamic.ttl());
    }

    /**
     * The first read of the cluster, retried for {@link #ETCD_STARTUP_WINDOW}: an agent restarted while
     * etcd is slow or briefly without quorum waits for it (as Patroni does) instead of exiting and
     * leaving its node down; etcd still unreachable after the window stops the agent with the endpoints.
     */
    private ClusterSnapshot firstRead(List<String> endpoints) {
        long deadline = System.nanoTime() + ETCD_STARTUP_WINDOW.toNanos();
        while (true) {
            try {
                return store.read();
            } catch (StoreException e) {
                if (System.nanoTime() - deadline >= 0) {
                    store.close();
                    throw new IllegalStateException(
                            "etcd at " + endpoints + " (pgha.etcd.endpoints) is not reachable: " + e.getMessage()
                                    + " (tried for " + ETCD_STARTUP_WINDOW.toSeconds()
                                    + " s); start etcd or fix the endpoints",
                            e);
                }
                LOG.warnf("etcd at %s is not reachable yet (%s): trying again", endpoints, e.getMessage());
                try {
                    Thread.sleep(ETCD_RETRY_PACE.toMillis()); // a retry's pace, not a wait for something
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for etcd at " + endpoints, e);
                }
            }
        }
    }

    private void register(EtcdLayout layout, StatusPublisher status) {
        long lease = ctx.keeper.grant();
        MemberStatus initial = status.status(PgState.stopped());
        Optional<MemberEntry> existing = Optional.empty();
        for (int attempt = 1; attempt <= REGISTER_ATTEMPTS; attempt++) {
            if (store.createMember(me, initial, lease)) {
                return;
            }
            existing = store.read().member(me);
            Registration next = Registration.decide(existing, status.apiUrl());
            if (next == Registration.TAKE_OVER) {
                LOG.warnf("member key %s is left from this agent's previous run: taking it over", layout.member(me));
                store.putMember(me, initial, lease);
                return;
            }
            if (next == Registration.CONFLICT) {
                break;
            }
            LOG.infof("member key %s expired after the create failed: creating it again", layout.member(me));
        }
        store.revokeLease(lease);
        store.close();
        throw new IllegalStateException("member name '" + me + "' is already in use in cluster '"
                + config.cluster() + "': " + layout.member(me) + " belongs to a live agent (api_url "
                + existing.map(MemberEntry::status).map(MemberStatus::apiUrl).orElse("?")
                + ", conn_url "
                + existing.map(MemberEntry::status).map(MemberStatus::connUrl).orElse("?")
                + "); give this agent another pgha.name or stop the other one");
    }

    void onStop(@Observes ShutdownEvent event) {
        Role before = ctx == null ? Role.STANDBY : ctx.role.current();
        if (ctx != null) {
            ctx.role.stop();
            ctx.keeper.stop();
        }
        if (loop != null) {
            loop.wakeUp();
        }
        if (loopThread != null) {
            loopThread.interrupt();
            try {
                loopThread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (loop != null) {
            loop.closeWatch();
        }
        if (ctx != null) {
            synchronized (ctx.pgLock) {
                boolean primary = before.actingPrimary() || before.steppingDown();
                ctx.process.stop(
                        primary ? ctx.primaryStopTimeout() : config.postgres().stopTimeout(),
                        primary ? "primary" : "replica");
            }
        }
        if (store != null && ctx != null) {
            try {
                store.releaseLeader(me);
                store.revokeLease(ctx.keeper.lease());
            } catch (RuntimeException e) {
                LOG.warnf("could not release the lease on shutdown: %s", e.getMessage());
            }
            store.close();
        }
        if (callbacks != null) {
            callbacks.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (wal != null) {
            wal.close();
        }
        LOG.info("stopped");
    }

    /** The latest view for the REST API; null before the agent has started. */
    public AgentView view() {
        StatusPublisher p = publisher;
        return p == null ? null : p.view();
    }

    /** The WAL archiving service, when a repository is configured. */
    public Optional<WalService> wal() {
        return Optional.ofNullable(wal);
    }

    /** Seconds since the last successful lease renewal was sent. */
    public double secondsSinceRenewal() {
        return ctx.keeper.secondsSinceRenewal();
    }

    // --- REST actions ---

    /** {@code POST /restart} with {@code body} ({@link RestActions#restart}). */
    public ActionAnswer restart(String body) {
        return rest.restart(body);
    }

    /** {@code DELETE /restart}: cancels the scheduled restart. */
    public ActionAnswer cancelScheduledRestart() {
        return rest.cancelScheduledRestart();
    }

    /** The scheduled restart in Patroni's {@code scheduled_restart} shape, if one is scheduled. */
    public Optional<Map<String, Object>> scheduledRestart() {
        RestActions r = rest;
        return r == null ? Optional.empty() : r.scheduled().map(s -> s.request().patroniShape());
    }

    /** {@code POST /reload}: re-reads what can be re-read while the agent runs ({@link RestActions#reload}). */
    public ActionAnswer reload(String body) {
        return rest.reload();
    }

    /** {@code POST /failsafe} with {@code body}: a primary that cannot reach etcd asks this member to confirm it. */
    public ActionAnswer failsafe(String body) {
        AgentContext c = ctx;
        if (c == null || c.failsafe == null) {
            return ActionAnswer.of(503, "POST /failsafe: the agent is still starting");
        }
        io.pgha.agent.decide.FailsafeRules.Reply reply = c.failsafe.answer(body);
        return ActionAnswer.of(reply.status(), reply.text());
    }

    /** {@code POST /reinitialize} with {@code body}: re-clones this replica from the leader. */
    public ActionAnswer reinitialize(String body) {
        return rest.reinitialize(body);
    }

    /** What the lease keeper's threads need from the agent. */
    private final class KeeperHolder implements LeaseKeeper.Holder {
        @Override
        public boolean actingPrimary() {
            return ctx.role.current().actingPrimary();
        }

        @Override
        public boolean paused() {
            return ctx.dynamic.pause();
        }

        @Override
        public void demote(String reason) {
            synchronized (ctx.pgLock) {
                executor.demote(reason);
            }
        }

        @Override
        public void leaseReplaced(long lease) {
            store.putMember(me, publisher.status(ctx.pg.probe()), lease);
        }

        @Override
        public Optional<Long> failsafeRound() {
            if (!ctx.dynamic.failsafeMode()) {
                return Optional.empty();
            }
            StatusPublisher p = publisher;
            PgState last = p == null ? PgState.stopped() : p.view().pg();
            return ctx.failsafe.round(
                    last.timeline(),
                    last.writeLsn() == null ? null : last.writeLsn().toString());
        }

        @Override
        public void logContext() {
            mdc();
        }
    }

    /** What a handover changes in this agent and in etcd. */
    private final class HandoverAgent implements Handover.Agent {
        @Override
        public void steppedDown() {
            ctx.role.transition(Role.HANDING_OVER, Role.STANDBY);
            ctx.primaryDownSinceNanos = null;
        }

        @Override
        public void resumed() {
            ctx.role.tryTransition(Role.HANDING_OVER, Role.PRIMARY);
        }

        @Override
        public void releaseLeaderKey(String candidate, Lsn shutdownCheckpoint) {
            if (!recordHandover(candidate, shutdownCheckpoint)) {
                store.releaseLeader(me); // without the record: with quorum commit the quorum rule decides
            }
        }

        /** Deletes the leader key with the record in {@code /switchover}, in one transaction; false: nothing done. */
        private boolean recordHandover(String candidate, Lsn shutdownCheckpoint) {
            String handedOver = new Switchover(me, candidate)
                    .handedOverAt(shutdownCheckpoint.toString())
                    .toJson();
            try {
                if (store.handOverLeader(me, handedOver, executor.handledSwitchover())) {
                    return true;
                }
                LOG.warnf(
                        "the switchover key changed during the handover to %s: releasing the leader key only",
                        candidate);
            } catch (StoreException e) {
                // e.g. a role set applied before agents could write /switchover (docs/security.md): the
                // leader key must go all the same, or the candidate waits for nothing
                LOG.warnf(
                        "could not record the handover to %s in /switchover (%s): releasing the leader key only",
                        candidate, e.getMessage());
            }
            return false;
        }
    }

    private PgSettings postgresSettings(DynamicConfig bootstrapConfig) {
        AgentConfig.Postgres p = config.postgres();
        return new PgSettings(
                me,
                p.dataDir().toAbsolutePath(),
                p.binDir(),
                p.listenHost(),
                p.port(),
                p.allowedCidr(),
                p.fsync(),
                p.parameters(),
                p.superuser().username(),
                SecretSetting.resolve(
                        "pgha.postgres.superuser.password",
                        p.superuser().password(),
                        p.superuser().passwordFile()),
                p.replication().username(),
                SecretSetting.resolve(
                        "pgha.postgres.replication.password",
                        p.replication().password(),
                        p.replication().passwordFile()),
                p.monitoring().username(),
                SecretSetting.resolve(
                        "pgha.postgres.monitoring.password",
                        p.monitoring().password(),
                        p.monitoring().passwordFile()),
                p.allowTrust(),
                p.stopTimeout(),
                bootstrapConfig.retryTimeoutDuration(),
                p.pooler().username(),
                SecretSetting.resolve(
                        "pgha.postgres.pooler.password",
                        p.pooler().password(),
                        p.pooler().passwordFile()),
                Checks.postgresTls(
                        p.tls(),
                        java.util.stream.Stream.of(
                                        p.listenHost(), p.connectHost().orElse(p.listenHost()))
                                .distinct()
                                .toList()));
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
        if (wal != null) {
            ArchiveMetrics.register(registry, wal.pusher());
        }
    }

    private void mdc() {
        MDC.put("cluster", config.cluster());
        MDC.put("member", config.name());
    }
}
