package io.pgha.agent;

import io.pgha.agent.decide.Action;
import io.pgha.agent.decide.Fencing;
import io.pgha.agent.decide.HaDecision;
import io.pgha.agent.decide.Observation;
import io.pgha.agent.decide.SwitchoverCascade;
import io.pgha.agent.decide.TimelineFork;
import io.pgha.agent.pg.PgState;
import io.pgha.agent.pg.Upstream;
import io.pgha.core.DynamicConfig;
import io.pgha.core.MemberStatus;
import io.pgha.core.Switchover;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import io.pgha.core.store.StoreException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The loop ({@code pgha-loop}): bootstrap until there is a data directory, then every {@code
 * loop_wait} (and at once on a watch event): observe, decide, execute, publish.
 */
final class AgentLoop {
    private static final Logger LOG = Logger.getLogger(AgentLoop.class);
    /** The last (leader timeline, own timeline, replay position) whose fork was checked. */
    private String lastForkCheck;
    /** The leader timeline this standby was last seen replaying (-1: none); no fork check until it changes. */
    private long replaysLeaderTimeline = -1;
    /** The last reason a fork check could not be made, logged once. */
    private String lastForkProblem;

    private final AgentContext ctx;
    private final Bootstrap bootstrap;
    private final ActionExecutor executor;
    private final StatusPublisher publisher;
    private final Callbacks callbacks;
    private final Semaphore wake = new Semaphore(0);
    private String lastPgRole;
    private AutoCloseable watch;

    AgentLoop(
            AgentContext ctx,
            Bootstrap bootstrap,
            ActionExecutor executor,
            StatusPublisher publisher,
            Callbacks callbacks) {
        this.ctx = ctx;
        this.bootstrap = bootstrap;
        this.executor = executor;
        this.publisher = publisher;
        this.callbacks = callbacks;
    }

    /** Runs until the role is STOPPING. */
    void run() {
        while (ctx.role.current() != Role.STOPPING) {
            try {
                if (ctx.role.current() == Role.BOOTSTRAPPING) {
                    if (bootstrap.step()) {
                        startWatch();
                    }
                } else {
                    runOnce();
                }
            } catch (RuntimeException e) {
                if (ctx.role.current() == Role.STOPPING) {
                    break;
                }
                LOG.errorf("loop run failed: %s", e.getMessage());
                LOG.debug("loop run failure", e);
                refreshView();
            }
            publisher.loopRan();
            try {
                if (wake.tryAcquire(ctx.dynamic.loopWait(), TimeUnit.SECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    /** Ends the wait for the next run at once. */
    void wakeUp() {
        wake.release();
    }

    /** One run: observe (etcd, PostgreSQL) → decide → execute → publish. */
    private void runOnce() {
        ClusterSnapshot snapshot = readCluster();
        long mark = ctx.restStepMark();
        PgState probed = ctx.pg.probe();
        if (ctx.restStepSince(mark)) {
            // a REST restart or reinitialize stopped PostgreSQL meanwhile: what the probe saw is not a
            // crash; the step wakes the loop when it ends, and the next run looks again
            return;
        }
        PgState state = observed(probed);
        checkTimelineFork(snapshot, state);
        Observation observation = observation(snapshot, state);
        List<Action> actions = HaDecision.decide(withDetach(observation, snapshot)
                .withFailsafeRefusal(ctx.role.current().actingPrimary() ? Optional.empty() : ctx.failsafe.refusal())
                .withCascadeTo(cascadeTo(snapshot)));
        execute(actions, snapshot, state);
        if (!actions.isEmpty()) {
            state = observePg();
        }
        state = applySyncSet(observation, snapshot, state);
        if (snapshot != null) {
            publisher.publish(state);
        }
        publisher.updateView(snapshot, state);
        RestActions rest = ctx.rest;
        if (rest != null) {
            rest.runScheduledRestart(state); // a restart scheduled through POST /restart, once it is due
        }
    }

    /**
     * A standby checks, until it replays the leader's timeline, whether it replayed past the point where
     * the leader's timeline forked off its own ({@link TimelineFork}); if so its data directory has
     * diverged and is rewound like an old primary's. The timeline compared is the one recovery replays
     * ({@link io.pgha.agent.pg.PostgresControl#replayPoint}), not the one the WAL receiver streams: a
     * standby that read its old timeline's segment past the fork (PostgreSQL falls back to it while the
     * new timeline's segment is not there yet) streams the new timeline and never replays it, silently
     * (found by the asynchronous chaos run of 2026-12-04; node-agent's DESIGN.md).
     */
    private void checkTimelineFork(ClusterSnapshot snapshot, PgState state) {
        if (snapshot == null || !state.isStandby() || !state.accepting() || ctx.mayHaveDiverged) {
            return;
        }
        Optional<MemberEntry> leader =
                snapshot.leaderMember().filter(m -> !m.name().equals(ctx.me));
        Optional<MemberStatus> status = leader.map(MemberEntry::status)
                .filter(st -> st.role() == MemberStatus.Role.PRIMARY && st.connUrl() != null);
        if (status.isEmpty() || status.get().timeline() == replaysLeaderTimeline) {
            return;
        }
        long leaderTimeline = status.get().timeline();
        try {
            TimelineFork.ReplayPoint point = ctx.pg.replayPoint();
            String key = leaderTimeline + "/" + point.timeline() + "/" + point.replayed();
            if (key.equals(lastForkCheck)) {
                return;
            }
            TimelineFork.Verdict verdict = TimelineFork.verdict(
                    point,
                    leaderTimeline,
                    () -> ctx.pg.timelineHistory(
                            Upstream.fromConnUrl(
                                    leader.get().name(), status.get().connUrl()),
                            leaderTimeline));
            lastForkCheck = key;
            switch (verdict) {
                case ON_LEADER_TIMELINE -> replaysLeaderTimeline = leaderTimeline;
                case FOLLOWS -> {}
                case DIVERGED -> {
                    LOG.warnf(
                            "%s's timeline %d forked off timeline %d before this standby's replay position %s:"
                                    + " this data directory has diverged and is rewound",
                            leader.get().name(), leaderTimeline, point.timeline(), point.replayed());
                    ctx.mayHaveDiverged = true;
                }
            }
        } catch (RuntimeException e) {
            String problem =
                    "timeline fork of this standby against " + leader.get().name() + " not checked: " + e.getMessage();
            if (!problem.equals(lastForkProblem)) { // once per distinct problem: the loop retries every run
                LOG.warn(problem);
                lastForkProblem = problem;
            }
        }
    }

    private ClusterSnapshot readCluster() {
        try {
            ClusterSnapshot snapshot = ctx.store.read();
            ctx.lastSnapshot = snapshot;
            publisher.etcdSeen();
            snapshot.config().flatMap(ctx.dynamicReader::read).ifPresent(this::applyDynamic);
            return snapshot;
        } catch (StoreException e) {
            LOG.warnf("cannot read the cluster from etcd: %s", e.getMessage());
            return null;
        }
    }

    /** Probes PostgreSQL; moves the role with what it runs as; notes a primary that went down. */
    private PgState observePg() {
        return observed(ctx.pg.probe());
    }

    /** Moves the role with what PostgreSQL runs as; notes a primary that went down. */
    private PgState observed(PgState state) {
        String pgRole = state.isPrimary() ? "primary" : state.isStandby() ? "replica" : null;
        if (pgRole != null && lastPgRole != null && !pgRole.equals(lastPgRole)) {
            callbacks.onRoleChange(pgRole);
        }
        if (pgRole != null) {
            lastPgRole = pgRole;
        }
        if (state.isPrimary()) {
            ctx.role.tryTransition(Role.STANDBY, Role.PRIMARY);
            ctx.mayHaveDiverged = true;
            ctx.primaryDownSinceNanos = null;
        } else if (state.isStandby()) {
            ctx.role.tryTransition(Role.PRIMARY, Role.STANDBY);
            ctx.primaryDownSinceNanos = null;
        } else if (ctx.role.current() == Role.PRIMARY && ctx.primaryDownSinceNanos == null) {
            ctx.primaryDownSinceNanos = ctx.clock.nanoTime();
            LOG.warnf(
                    "PostgreSQL is down while primary (running=%s): %s",
                    state.running(), ctx.dynamic.pause() ? "paused, so it is not restarted" : "restarting it in place");
        }
        return state;
    }

    private void execute(List<Action> actions, ClusterSnapshot snapshot, PgState state) {
        for (Action action : actions) {
            try {
                executor.execute(action, snapshot, state);
                if (action instanceof Action.Promote && snapshot != null) {
                    publishPromotion(snapshot);
                }
            } catch (RuntimeException e) {
                // the view and the member key must still show what PostgreSQL is doing now
                LOG.errorf("%s failed: %s", action, e.getMessage());
                LOG.debug("action failure", e);
                break;
            }
        }
    }

    /**
     * Publishes the member key right after a promotion, before the actions that follow it (replication
     * slots for the others): the coordinator completes the failover, and the routers send writes here,
     * once this key says primary. Then a CHECKPOINT, off that path: PostgreSQL's own end-of-recovery
     * checkpoint is spread over up to {@code checkpoint_completion_target x checkpoint_timeout}, and
     * until a checkpoint ends the control file (pg_controldata, {@code pg_control_checkpoint()}) still
     * names the old timeline. The REST view is updated with the key, so {@code /primary} answers 200
     * from then on: HAProxy's next check must not take back the renderer's {@code health up} (issue 17,
     * FastFailoverIT: the view changed only at the end of the run, after the checkpoint and the sync
     * standby's reload).
     */
    private void publishPromotion(ClusterSnapshot snapshot) {
        PgState promoted = observePg();
        publisher.publish(promoted);
        publisher.updateView(snapshot, promoted);
        try {
            ctx.pg.checkpoint();
        } catch (RuntimeException e) {
            LOG.warnf(
                    "checkpoint after the promotion failed (PostgreSQL's own one will end later): %s", e.getMessage());
        }
    }

    /** As the primary holding the key: applies the sync key's synchronous_standby_names when it changed. */
    private PgState applySyncSet(Observation observation, ClusterSnapshot snapshot, PgState state) {
        if (!observation.leaderIsMine() || !state.isPrimary() || ctx.keeper.fenced()) {
            return state;
        }
        Optional<String> sync = ctx.desiredSync(snapshot);
        if (sync.isEmpty() || sync.get().equals(String.valueOf(state.syncStandbyNames()))) {
            return state;
        }
        LOG.infof("applying synchronous_standby_names = '%s' from the sync key", sync.get());
        synchronized (ctx.pgLock) {
            ctx.pg.applySynchronousStandbyNames(sync.get());
        }
        return observePg();
    }

    private Observation observation(ClusterSnapshot snapshot, PgState state) {
        Optional<Long> crashedFor =
                Optional.ofNullable(ctx.primaryDownSinceNanos).map(since -> ctx.clock.nanoTime() - since);
        if (snapshot == null) {
            return new Observation(
                    ctx.me,
                    false,
                    Optional.empty(),
                    false,
                    false,
                    false,
                    state.running(),
                    state.accepting(),
                    state.inRecovery(),
                    ctx.following,
                    ctx.mayHaveDiverged,
                    crashedFor,
                    0,
                    Optional.empty(),
                    ctx.keeper.fenced(),
                    ctx.dynamic.pause());
        }
        boolean hasAddress = snapshot.leaderMember()
                .map(MemberEntry::status)
                .map(MemberStatus::connUrl)
                .isPresent();
        boolean leaderIsPrimary = snapshot.leaderMember()
                .map(MemberEntry::status)
                .map(MemberStatus::role)
                .filter(MemberStatus.Role.PRIMARY::equals)
                .isPresent();
        return new Observation(
                ctx.me,
                true,
                snapshot.leader().map(l -> l.member()),
                ctx.leaderIsMine(snapshot),
                hasAddress,
                leaderIsPrimary,
                state.running(),
                state.accepting(),
                state.inRecovery(),
                ctx.following,
                ctx.mayHaveDiverged,
                crashedFor,
                ctx.dynamic.primaryStartTimeoutDuration().toNanos(),
                pendingHandover(snapshot),
                ctx.keeper.fenced(),
                ctx.dynamic.pause());
    }

    /**
     * The fast failover's {@code /detach} for the current leader key, and this agent's report; a report
     * for an order that no longer applies is dropped (the member key loses it with the next publish).
     */
    private Observation withDetach(Observation o, ClusterSnapshot snapshot) {
        if (snapshot == null) {
            return o;
        }
        Optional<Long> ordered = snapshot.currentDetach().map(io.pgha.core.Detach::epoch);
        MemberStatus.Detached reported = ctx.detached;
        if (reported != null && !ordered.equals(Optional.of(reported.epoch()))) {
            ctx.detached = null;
            reported = null;
        }
        return o.withDetach(ordered, Optional.ofNullable(reported).map(MemberStatus.Detached::epoch));
    }

    /** The candidate of a planned switchover to stream from before its promotion ({@link SwitchoverCascade}). */
    private Optional<String> cascadeTo(ClusterSnapshot snapshot) {
        if (snapshot == null || snapshot.switchover().isEmpty()) {
            return Optional.empty();
        }
        Switchover switchover;
        try {
            switchover = Switchover.fromJson(snapshot.switchover().get());
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // logged by pendingHandover
        }
        boolean candidateStreamable = Optional.ofNullable(switchover.member())
                .flatMap(snapshot::member)
                .map(MemberEntry::status)
                .filter(st -> st.role() == MemberStatus.Role.REPLICA && "running".equals(st.state()))
                .filter(st -> st.connUrl() != null)
                .isPresent();
        return SwitchoverCascade.upstream(new SwitchoverCascade.Seen(
                ctx.me,
                snapshot.leader().map(l -> l.member()),
                Optional.of(switchover),
                SwitchoverCascade.leaderWaitsFor(
                        Optional.ofNullable(switchover.leader())
                                .flatMap(snapshot::member)
                                .map(MemberEntry::status)
                                .map(MemberStatus::syncStandbyNames),
                        switchover.leader(),
                        snapshot.sync()),
                candidateStreamable));
    }

    private Optional<String> pendingHandover(ClusterSnapshot snapshot) {
        Optional<String> json = snapshot.switchover();
        if (json.isEmpty() || snapshot.revisionOf("switchover") == executor.handledSwitchover()) {
            return Optional.empty();
        }
        try {
            return Handover.candidateFor(Switchover.fromJson(json.get()), ctx.me);
        } catch (IllegalArgumentException e) {
            LOG.errorf("ignoring the switchover key: %s", e.getMessage());
        }
        return Optional.empty();
    }

    private void refreshView() {
        try {
            publisher.updateView(null, ctx.role.current() == Role.BOOTSTRAPPING ? PgState.stopped() : ctx.pg.probe());
        } catch (RuntimeException inner) {
            LOG.debugf("could not refresh the view: %s", inner.getMessage());
        }
    }

    // --- dynamic config and watch ---

    private void applyDynamic(DynamicConfig next) {
        if (next.equals(ctx.dynamic)) {
            return;
        }
        if (ctx.safetyMargin.compareTo(next.ttlDuration()) >= 0) {
            LOG.errorf(
                    "ignoring the dynamic config in etcd: ttl %d s is not above pgha.fencing.safety-margin",
                    next.ttl());
            return;
        }
        LOG.infof("dynamic config changed: %s", next);
        ctx.dynamic = next;
        ctx.keeper.fencing(new Fencing(next.ttlDuration(), ctx.safetyMargin));
        ctx.applyPostgresql(next.postgresql());
    }

    private void startWatch() {
        closeWatch();
        try {
            long revision = ctx.store.read().revision();
            watch = ctx.store.watch(revision + 1, wake::release);
        } catch (RuntimeException e) {
            LOG.warnf("could not watch the leader key (the loop still polls): %s", e.getMessage());
        }
    }

    void closeWatch() {
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception ignored) {
                // closing a watch on shutdown
            }
            watch = null;
        }
    }
}
