package io.pgha.coordinator.run;

import io.pgha.coordinator.agent.Agents;
import io.pgha.coordinator.config.CoordinatorConfig;
import io.pgha.coordinator.decide.ClusterDecision;
import io.pgha.coordinator.decide.ClusterFacts;
import io.pgha.coordinator.decide.ClusterStep;
import io.pgha.coordinator.decide.FailsafeGate;
import io.pgha.coordinator.decide.UnpromotedLeader;
import io.pgha.coordinator.etcd.CoordinatorStore;
import io.pgha.core.DynamicConfig;
import io.pgha.core.MemberStatus;
import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.ElectionEvent;
import io.pgha.messaging.EventPublisher;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One cluster, on one thread: campaigns for its election key, and while this replica leads runs
 * {@code observe → publish the topology → decide ({@link ClusterDecision#next}) → execute} every tick
 * and on every etcd change. Each {@link ClusterStep} is one short method here that hands the work to
 * its executor ({@link Promotion}, {@link SwitchoverSteps}, {@link SyncKeeper}, {@link StatusWriter});
 * every write is guarded by the election key.
 */
final class ClusterWorker implements ClusterStep.Executor {
    private static final Logger LOG = Logger.getLogger(ClusterWorker.class);
    /** The failsafe key's name under the cluster's prefix ({@code EtcdLayout.failsafe()}). */
    private static final String FAILSAFE_KEY = "failsafe";

    /** What one run read: the snapshot and its parsed keys. */
    private record Observed(
            ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync, Optional<Switchover> switchover) {}

    private final ClusterContext ctx;
    private final LongSupplier lease;
    private final Thread thread;
    private final LeaderMemory memory;
    private final TopologyPublisher topology;
    private final StatusWriter status;
    private final SyncKeeper sync;
    private final SwitchoverSteps switchovers;
    private final Promotion promotion;
    private final UnpromotedLeader unpromoted;
    private final ManualRequests manual;
    private final FastFailover fast;
    private final QuorumFailover quorum;
    private Observed observed;

    ClusterWorker(
            String cluster,
            String me,
            CoordinatorStore store,
            Agents agents,
            HealthView health,
            EventPublisher events,
            CoordinatorConfig.Coordinator settings,
            LongSupplier lease,
            Clock clock,
            LongSupplier nanoTime) {
        this.ctx = new ClusterContext(cluster, me, store, agents, health, events, settings, clock, nanoTime);
        this.lease = lease;
        this.memory = new LeaderMemory(cluster);
        this.manual = new ManualRequests(cluster);
        this.topology = new TopologyPublisher(ctx);
        this.status = new StatusWriter(ctx, memory);
        this.sync = new SyncKeeper(ctx);
        this.switchovers = new SwitchoverSteps(ctx, memory);
        this.promotion = new Promotion(ctx, memory, status, sync, switchovers, this::publishPromoted);
        this.unpromoted = new UnpromotedLeader(settings.promoteTimeout());
        this.fast = new FastFailover(ctx, promotion);
        this.quorum = new QuorumFailover(ctx, promotion, status, memory);
        this.thread = new Thread(this::loop, "cluster-" + cluster);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Runs the loop now (an etcd change of this cluster). */
    void wake() {
        ctx.wake();
    }

    boolean leads() {
        return ctx.leads();
    }

    String cluster() {
        return ctx.cluster;
    }

    /**
     * Queues a manual failover to {@code candidate}; the future completes with an error message or null.
     *
     * @throws ManualFailoverInFlight while an earlier one has not been answered yet
     */
    CompletableFuture<String> manualFailover(String candidate, boolean ignoreLag) {
        CompletableFuture<String> done = manual.ask(candidate, ignoreLag);
        wake();
        return done;
    }

    /**
     * Stops the loop, then hands the cluster over: a promotion in flight stays (the next leading replica
     * watches it); the election key is deleted so another replica takes over within one loop.
     */
    void stop() {
        ctx.stopRunning();
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long revision = ctx.resignRevision();
        if (revision != 0) {
            try {
                ctx.store.resign(ctx.cluster, revision);
                LOG.infof("resigned the leadership of %s", ctx.cluster);
            } catch (RuntimeException e) {
                LOG.warnf("could not resign %s (the lease will end it): %s", ctx.cluster, e.getMessage());
            }
        }
    }

    private void loop() {
        MDC.put("cluster", ctx.cluster);
        while (ctx.running()) {
            try {
                step();
            } catch (RuntimeException e) {
                LOG.warnf("cluster %s: %s", ctx.cluster, e.getMessage());
                LOG.debug("step failed", e);
            }
            if (!ctx.sleep(ctx.pauseMillis(ctx.settings.tick().toMillis()), true)) {
                return;
            }
        }
    }

    // --- one run: observe → publish → decide → execute ---

    /** One run of the loop (the loop thread; tests call it directly). */
    void step() {
        if (!holdElection()) {
            return;
        }
        Observed o = observe(ctx.store.read(ctx.cluster));
        if (o.snapshot().revisionOf(CoordinatorStore.ELECTION_KEY) != ctx.electionRevision()) {
            ctx.lose("its election key is gone or belongs to another replica");
            return;
        }
        observed = o;
        memory.track(o.snapshot());
        ctx.health.retain(ctx.cluster, o.snapshot().members().keySet());
        if (!keepsFailsafeRouting(o)) {
            topology.publish(o.snapshot(), o.config(), o.sync(), memory.lastEpoch);
        }
        keepFailsafe(o);
        for (ClusterStep step : ClusterDecision.next(facts(o))) {
            if (!step.runOn(this)) {
                return;
            }
        }
    }

    /**
     * The topology of a snapshot in which a promoted member runs as primary, at once (before the
     * promotion's outcome is recorded), so the routers move writes to it without waiting for the next run.
     */
    private void publishPromoted(ClusterSnapshot snapshot, long epoch) {
        Observed o = observe(snapshot);
        if (!keepsFailsafeRouting(o)) {
            topology.publish(o.snapshot(), o.config(), o.sync(), epoch);
        }
    }

    /** True while this replica leads the cluster (campaigns when it does not; announces a takeover). */
    private boolean holdElection() {
        long myLease = lease.getAsLong();
        if (myLease == 0) {
            ctx.lose("the election lease could not be renewed in time");
            return false;
        }
        if (ctx.leads()) {
            return true;
        }
        Optional<Long> won = ctx.store.campaign(ctx.cluster, ctx.me, myLease);
        if (won.isEmpty()) {
            return false;
        }
        ctx.won(won.get());
        topology.reset();
        unpromoted.reset();
        status.forgetReportedFailure();
        ClusterSnapshot first = ctx.store.read(ctx.cluster);
        memory.lastEpoch = first.leader().map(LeaderKey::modRevision).orElse(memory.lastEpoch);
        LOG.infof("this replica (%s) now leads %s", ctx.me, ctx.cluster);
        ctx.publish(new ElectionEvent.CoordinatorElected(ctx.cluster, memory.lastEpoch, ctx.me, ctx.clock.instant()));
        return true;
    }

    /** Failsafe mode: the last topology stands while a primary cut off from etcd may run on ({@link FailsafeGate#keepsRouting}). */
    private boolean keepsFailsafeRouting(Observed o) {
        boolean keeps = FailsafeGate.keepsRouting(
                o.config().failsafeMode(),
                o.snapshot().leader().isPresent() ? Optional.empty() : Optional.ofNullable(memory.lastLeader),
                o.snapshot().members().keySet(),
                o.snapshot().failsafe(),
                memory.failsafeReleased);
        if (keeps) {
            LOG.debugf(
                    "%s: leader key gone, %s still in /failsafe: the last topology stands",
                    ctx.cluster, memory.lastLeader);
        }
        return keeps;
    }

    /** Failsafe mode: {@code /failsafe} equal to the current members while it is on, deleted when off. */
    private void keepFailsafe(Observed o) {
        FailsafeGate.KeyChange change = FailsafeGate.keep(
                o.config().failsafeMode(),
                o.snapshot().members().values(),
                o.snapshot().failsafe(),
                o.snapshot().leader().isPresent() ? Optional.empty() : Optional.ofNullable(memory.lastLeader));
        long expected = o.snapshot().revisionOf(FAILSAFE_KEY);
        if (change instanceof FailsafeGate.KeyChange.Put put
                && ctx.store.compareAndPut(ctx.cluster, FAILSAFE_KEY, put.json(), expected, ctx.electionRevision())) {
            LOG.infof("/failsafe of %s is now %s", ctx.cluster, put.json());
        } else if (change instanceof FailsafeGate.KeyChange.Delete
                && ctx.store.compareAndDelete(ctx.cluster, FAILSAFE_KEY, expected, ctx.electionRevision())) {
            LOG.infof("failsafe_mode is off: /failsafe of %s deleted", ctx.cluster);
        }
    }

    private Observed observe(ClusterSnapshot snapshot) {
        return new Observed(
                snapshot,
                Keys.config(ctx.cluster, snapshot),
                Keys.sync(ctx.cluster, snapshot),
                Keys.switchover(ctx.cluster, snapshot));
    }

    private ClusterFacts facts(Observed o) {
        ClusterSnapshot snapshot = o.snapshot();
        String leader = snapshot.leader().map(LeaderKey::member).orElse(null);
        return new ClusterFacts(
                snapshot.initialize().isPresent(),
                leader,
                o.config().pause(),
                o.config().synchronousMode(),
                o.sync().isPresent(),
                o.switchover().orElse(null),
                asksUnpromoted(o) && unpromotedOverdue(snapshot),
                manual.pending() != null,
                ctx.clock.instant(),
                o.config().fastFailover()
                        && !o.config().synchronousQuorum()
                        && (o.config().synchronousMode() || FastFailover.routersDeclared(ctx.settings)),
                detachKey(snapshot),
                o.config().synchronousQuorum());
    }

    private static ClusterFacts.DetachKey detachKey(ClusterSnapshot snapshot) {
        if (snapshot.detach().isEmpty()) {
            return ClusterFacts.DetachKey.NONE;
        }
        if (snapshot.currentDetach().isEmpty()) {
            return ClusterFacts.DetachKey.STALE;
        }
        return snapshot.leader().isEmpty() ? ClusterFacts.DetachKey.LEADERLESS : ClusterFacts.DetachKey.CURRENT;
    }

    /**
     * Whether the unpromoted-key watch applies: bootstrapped, a leader, not paused, no scheduled
     * switchover (asking starts the leader key's clock, so it is asked only then).
     */
    private static boolean asksUnpromoted(Observed o) {
        return o.snapshot().initialize().isPresent()
                && o.snapshot().leader().isPresent()
                && !o.config().pause()
                && o.switchover().filter(Switchover::scheduled).isEmpty();
    }

    /** Whether the leader key has named a running replica for promote-timeout. */
    private boolean unpromotedOverdue(ClusterSnapshot snapshot) {
        boolean runsAsReplica = snapshot.leaderMember()
                .map(MemberEntry::status)
                .filter(MemberStatus::isRunningReplica)
                .isPresent();
        return unpromoted.overdue(snapshot.leader().orElseThrow().modRevision(), runsAsReplica, ctx.nanos());
    }

    // --- the steps ---

    @Override
    public boolean nothing(String why) {
        LOG.tracef("%s: %s", ctx.cluster, why);
        return true;
    }

    @Override
    public boolean refuseManual(String reason) {
        ManualRequests.Request request = manual.pending();
        if (request != null) {
            manual.answer(request, reason);
        }
        return true;
    }

    @Override
    public boolean dropUnreadableSchedule(Switchover s) {
        switchovers.dropUnreadableSchedule(observed.snapshot(), s);
        return true;
    }

    @Override
    public boolean dropStaleSchedule(Switchover s, String reason) {
        switchovers.dropStaleSchedule(observed.snapshot(), s, reason);
        return true;
    }

    @Override
    public boolean startScheduledSwitchover(Switchover s) {
        switchovers.startScheduled(observed.snapshot(), s);
        return true;
    }

    @Override
    public boolean takeBackUnpromoted(String member) {
        unpromoted.reset();
        return !promotion.takeBackUnpromoted(observed.snapshot().leader().orElseThrow()); // taken: fail over next
    }

    @Override
    public boolean watchSwitchover(Switchover s) {
        switchovers.watch(observed.snapshot(), s);
        return true;
    }

    @Override
    public boolean forgetSwitchover() {
        switchovers.forget();
        return true;
    }

    @Override
    public boolean deleteFinishedSwitchover(Switchover s) {
        switchovers.deleteFinished(observed.snapshot());
        return true;
    }

    @Override
    public boolean keepSync() {
        sync.keep(observed.snapshot(), observed.config(), observed.sync());
        return true;
    }

    @Override
    public boolean deleteSync() {
        sync.delete(observed.snapshot());
        return true;
    }

    @Override
    public boolean writeStatus() {
        status.writeOptime(observed.snapshot());
        return true;
    }

    @Override
    public boolean manualFailover() {
        ManualRequests.Request request = manual.pending();
        if (request == null) {
            return true;
        }
        boolean done =
                promote(new Promotion.Request(Promotion.Kind.MANUAL, request.candidate(), null, request.ignoreLag()));
        String failure = Objects.requireNonNullElse(
                status.lastFailureMessage(), "it did not complete; see the coordinator's log");
        manual.answer(request, done ? null : failure);
        return true;
    }

    @Override
    public boolean switchover(Switchover s) {
        if (promote(new Promotion.Request(Promotion.Kind.SWITCHOVER, s.member(), s, false))) {
            switchovers.completed(observed.snapshot());
        }
        return true;
    }

    @Override
    public boolean failover() {
        promote(new Promotion.Request(Promotion.Kind.FAILOVER, null, null, false));
        return true;
    }

    @Override
    public boolean watchLeaderLoss() {
        return fast.watch(observed.snapshot(), observed.config(), observed.sync());
    }

    @Override
    public boolean finishFastFailover() {
        fast.finish(observed.config());
        return false;
    }

    @Override
    public boolean deleteStaleDetach() {
        fast.deleteStale(observed.snapshot());
        return true;
    }

    @Override
    public boolean quorumFailover() {
        quorum.failover(observed.snapshot(), observed.config(), observed.sync());
        return false;
    }

    private boolean promote(Promotion.Request request) {
        return promotion.promote(observed.snapshot(), observed.config(), observed.sync(), request);
    }

    /** For the status API. */
    Map<String, Object> state() {
        Map<String, Object> s = new HashMap<>();
        s.put("leads", leads());
        s.put("last_leader", memory.lastLeader);
        return s;
    }
}
