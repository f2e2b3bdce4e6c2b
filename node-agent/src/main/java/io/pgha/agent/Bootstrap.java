package io.pgha.agent;

import io.pgha.agent.pg.PgState;
import io.pgha.agent.pg.Upstream;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Until the agent has a data directory: join with the one there, or win the initialize race and run
 * initdb, or clone from the leader. Each run is one step; the loop calls it until the role is no
 * longer BOOTSTRAPPING. See DESIGN.md, "Bootstrap".
 */
final class Bootstrap {
    private static final Logger LOG = Logger.getLogger(Bootstrap.class);

    private final AgentContext ctx;
    private final ActionExecutor executor;
    private final StatusPublisher publisher;
    private final Optional<RepositoryBootstrap> fromRepository;
    private final Optional<ReplicaFromRepository> replicaFromRepository;

    Bootstrap(
            AgentContext ctx,
            ActionExecutor executor,
            StatusPublisher publisher,
            Optional<RepositoryBootstrap> fromRepository,
            Optional<ReplicaFromRepository> replicaFromRepository) {
        this.ctx = ctx;
        this.executor = executor;
        this.publisher = publisher;
        this.fromRepository = fromRepository;
        this.replicaFromRepository = replicaFromRepository;
    }

    /** One bootstrap step; true once this member has a data directory (the role has left BOOTSTRAPPING). */
    boolean step() {
        if (ctx.pg.initialized()) {
            joinExisting();
            return true;
        }
        ClusterSnapshot snapshot = ctx.store.read();
        if (snapshot.initialize().isEmpty()) {
            if (!ctx.store.createInitialize("")) {
                return false;
            }
            LOG.infof(
                    "won the initialize race: %s",
                    fromRepository.isPresent() ? "restore from the repository" : "initdb");
            initializeCluster(snapshot);
            return true;
        }
        Optional<MemberEntry> leader = snapshot.leaderMember().filter(m -> m.status() != null);
        if (leader.isEmpty() || snapshot.currentDetach().isPresent()) {
            LOG.info("waiting for a leader to clone from");
            publisher.publish(PgState.stopped());
            return false;
        }
        Upstream up =
                Upstream.fromConnUrl(leader.get().name(), leader.get().status().connUrl());
        return cloneFrom(up, snapshot.initialize().orElse(""));
    }

    private void joinExisting() {
        ctx.pg.stopLeftover();
        ctx.mayHaveDiverged = ctx.pg.lastRanAsPrimary();
        LOG.infof(
                "data directory exists (last ran as %s): joining the cluster",
                ctx.mayHaveDiverged ? "primary" : "standby");
        ctx.role.transition(Role.BOOTSTRAPPING, Role.STANDBY);
    }

    private boolean cloneFrom(Upstream up, String systemIdentifier) {
        if (!ctx.mayRetry(AgentContext.CLONE)) {
            publisher.updateView(null, PgState.stopped());
            return false;
        }
        LOG.infof("cloning from the leader %s", up.member());
        synchronized (ctx.pgLock) {
            try {
                if (!restoredFromRepository(up, systemIdentifier)) {
                    ctx.reclone(up);
                }
            } catch (RuntimeException e) {
                ctx.pg.wipe();
                ctx.failed(AgentContext.CLONE, e);
                throw e;
            }
            ctx.succeeded(AgentContext.CLONE);
            ctx.configurePg(true, Optional.of(up));
            ctx.startPg();
            ctx.following = Optional.of(up.member());
            ctx.role.transition(Role.BOOTSTRAPPING, Role.STANDBY);
        }
        return true;
    }

    /** With replica-method=repository: the own slot on the leader, then the newest backup as the data directory. */
    private boolean restoredFromRepository(Upstream up, String systemIdentifier) {
        if (replicaFromRepository.isEmpty()) {
            return false;
        }
        ctx.ensureOwnSlotOn(up);
        return replicaFromRepository.get().restore(systemIdentifier);
    }

    /**
     * initdb (or a restore from the repository), start as primary, roles; then (outside the
     * PostgreSQL lock) the etcd keys and the leader key.
     */
    private void initializeCluster(ClusterSnapshot snapshot) {
        try {
            String systemIdentifier;
            if (fromRepository.isPresent()) {
                systemIdentifier = fromRepository.get().restore();
            } else {
                synchronized (ctx.pgLock) {
                    ctx.pg.initdb();
                    ctx.configurePg(false, Optional.empty());
                    ctx.startPg();
                    ctx.awaitAccepting(Duration.ofSeconds(120));
                    ctx.pg.createRoles();
                    systemIdentifier = ctx.pg.systemIdentifier();
                }
            }
            ctx.store.putInitialize(systemIdentifier);
            ctx.store.createConfig(ctx.dynamic);
            ctx.mayHaveDiverged = true;
            if (ctx.store.acquireLeader(ctx.me, ctx.keeper.lease())) {
                LOG.infof("bootstrapped the cluster: primary with the leader key");
                synchronized (ctx.pgLock) {
                    executor.ensureSlots(snapshot);
                }
            } else {
                LOG.error("the leader key was taken by another member during bootstrap: demoting");
            }
        } catch (RuntimeException e) {
            LOG.errorf("bootstrap failed, giving the initialize race back: %s", e.getMessage());
            synchronized (ctx.pgLock) {
                ctx.process.stop(ctx.config.postgres().stopTimeout(), "primary");
                ctx.pg.wipe();
            }
            try {
                ctx.store.deleteInitialize();
            } catch (RuntimeException inner) {
                e.addSuppressed(inner);
            }
            throw e;
        }
        ctx.role.transition(Role.BOOTSTRAPPING, Role.PRIMARY);
    }
}
