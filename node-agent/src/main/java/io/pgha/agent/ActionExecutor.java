package io.pgha.agent;

import io.pgha.agent.decide.Action;
import io.pgha.agent.decide.DepartedSlots;
import io.pgha.agent.decide.MonotonicClock;
import io.pgha.agent.decide.PermanentSlots;
import io.pgha.agent.decide.SlotUpkeep;
import io.pgha.agent.pg.PgState;
import io.pgha.agent.pg.PostgresControl;
import io.pgha.agent.pg.Upstream;
import io.pgha.core.store.ClusterSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Performs the actions {@code HaDecision} chose, one method per {@link Action}. PostgreSQL steps hold
 * the PostgreSQL lock; etcd calls (releasing or taking the leader key) never do.
 */
final class ActionExecutor implements Action.Handler {
    private static final Logger LOG = Logger.getLogger(ActionExecutor.class);

    private final AgentContext ctx;
    private final Handover handover;
    private ClusterSnapshot snapshot;
    /** What the probe before the actions saw (null: unknown). */
    private PgState pgSeen;
    /** The slots last ensured by {@code EnsureSlots} (null: none, or forgotten after a promotion). */
    private SlotUpkeep slotsEnsured;
    /** The slots on this primary no member wants, and since when (member_slots_ttl). */
    private DepartedSlots departed = DepartedSlots.NONE;
    /** When this standby last synchronised its permanent slots (null: not yet). */
    private Long slotsSyncedAt;

    /** How long a detach waits for the WAL receiver to go. */
    static final Duration DETACH_WAIT = Duration.ofSeconds(5);

    private String lastHold;
    /** The mod revision of the switchover key this agent last handled (the same request again is a new write). */
    private volatile long handledSwitchover;

    ActionExecutor(AgentContext ctx, Handover handover) {
        this.ctx = ctx;
        this.handover = handover;
    }

    /** Performs {@code action}, seen with {@code snapshot} (null when etcd could not be read). */
    void execute(Action action, ClusterSnapshot seen) {
        execute(action, seen, null);
    }

    /** Like the other, with what the probe before the actions saw of PostgreSQL (null: unknown). */
    void execute(Action action, ClusterSnapshot seen, PgState pg) {
        pgSeen = pg;
        if (action instanceof Action.EnsureSlots || action instanceof Action.SyncSlots) {
            LOG.debugf("action: %s", action);
        } else {
            LOG.infof("action: %s", action);
        }
        snapshot = seen;
        action.applyTo(this);
    }

    long handledSwitchover() {
        return handledSwitchover;
    }

    @Override
    public void startPrimary(Action.StartPrimary a) {
        synchronized (ctx.pgLock) {
            if (!leaseLive(a) || ctx.pg.running()) {
                return; // or started meanwhile (say, by a REST restart)
            }
            ctx.configurePg(false, Optional.empty());
            ctx.startPg();
            ctx.awaitAccepting(Duration.ofSeconds(2));
        }
    }

    @Override
    public void startStandby(Action.StartStandby a) {
        synchronized (ctx.pgLock) {
            if (ctx.pg.running()) {
                return; // started meanwhile (say, by a REST restart or reinitialize)
            }
            Optional<Upstream> up = Optional.ofNullable(a.leader()).flatMap(ctx::upstream);
            up.ifPresent(ctx::ensureOwnSlotOn);
            ctx.configurePg(true, up);
            ctx.startPg();
            ctx.following = up.map(Upstream::member);
        }
    }

    @Override
    public void promote(Action.Promote a) {
        synchronized (ctx.pgLock) {
            if (!leaseLive(a)) {
                return;
            }
            LOG.info("the leader key names this member: promoting");
            StepTimes steps = new StepTimes(MonotonicClock.SYSTEM);
            Optional<String> sync = ctx.desiredSync(snapshot);
            if (sync.isPresent()) {
                // in place before the first commit as primary: none is acknowledged unprotected
                LOG.infof("synchronous_standby_names = '%s' from the sync key, before promotion", sync.get());
                ctx.pg.prepareSynchronousStandbyNames(sync.get());
                ctx.configurePg(true, ctx.following.flatMap(ctx::upstream));
                ctx.pg.reload();
                steps.done("synchronous_standby_names reloaded");
            }
            slotsEnsured = null; // a new timeline: the slots are ensured right after, whatever was done before
            departed = DepartedSlots.NONE; // counted again from this primary's own listing
            try (io.pgha.agent.wal.AbsentHistory.Mark next = ctx.beforePromotion.get()) {
                steps.done("history marked");
                ctx.pg.promote();
                steps.done("out of recovery");
            }
            ctx.role.tryTransition(Role.STANDBY, Role.PRIMARY);
            ctx.mayHaveDiverged = true;
            ctx.following = Optional.empty();
            LOG.infof("promoted: out of recovery (%s)", steps);
        }
    }

    /** StartPrimary and Promote need a live lease (not fenced, before the fencing deadline). */
    private boolean leaseLive(Action a) {
        if (ctx.keeper.live()) {
            return true;
        }
        LOG.warnf(
                "skipping %s: the lease is not live (fenced, or %d ms before the fencing deadline)",
                a, ctx.keeper.remaining().toMillis());
        return false;
    }

    /**
     * Slots for every other member, unless exactly these were ensured on this server run and timeline
     * less than {@link SlotUpkeep#REFRESH} ago ({@link SlotUpkeep}): the loop no longer runs the slot SQL
     * every {@code loop_wait}.
     */
    @Override
    public void ensureSlots(Action.EnsureSlots a) {
        synchronized (ctx.pgLock) {
            Set<String> wanted = wantedSlots(snapshot);
            Set<String> upkeep = upkeepKey(wanted);
            Instant started = pgSeen == null ? null : pgSeen.postmasterStart();
            long timeline = pgSeen == null ? 0 : pgSeen.timeline();
            long now = ctx.clock.nanoTime();
            if (SlotUpkeep.needed(slotsEnsured, upkeep, started, timeline, now)) {
                slotsEnsured = null;
                ensure(wanted);
                List<PermanentSlots.Seen> existing = ctx.pg.slots();
                createLogicalSlots(existing);
                departed = departed.seen(PermanentSlots.droppable(ctx.dynamic, existing), wanted, now);
                if (started != null) {
                    slotsEnsured = SlotUpkeep.ensured(upkeep, started, timeline, now);
                }
            }
        }
        dropDepartedSlots();
    }

    /** What the slot SQL depends on: the physical slots wanted, the permanent logical ones, ignore_slots. */
    private Set<String> upkeepKey(Set<String> wanted) {
        Set<String> key = new TreeSet<>(wanted);
        ctx.dynamic.slots().forEach((name, slot) -> key.add(name + " " + slot));
        ctx.dynamic.ignoreSlots().forEach(i -> key.add(i.toString()));
        return key;
    }

    /** The permanent logical slots missing here (a failure is logged; tried again at the next refresh). */
    private void createLogicalSlots(List<PermanentSlots.Seen> existing) {
        for (PermanentSlots.Seen s : existing) {
            var slot = ctx.dynamic.slots().get(s.name());
            if (slot != null && !s.is(slot)) {
                LOG.warnf("replication slot %s is %s, the permanent slot in the config is %s: left as it is", s, slot);
            }
        }
        PermanentSlots.logicalToCreate(ctx.dynamic, existing).forEach((name, slot) -> {
            try {
                ctx.pg.createLogicalSlot(name, slot.database(), slot.plugin());
                LOG.infof("created the permanent logical slot %s (%s, %s)", name, slot.database(), slot.plugin());
            } catch (RuntimeException e) {
                LOG.errorf("%s", e.getMessage());
            }
        });
    }

    /**
     * As a standby following the leader: the permanent slots here in step with the leader's ({@link
     * PermanentSlots#onReplica}), at most every {@link PermanentSlots#SYNC_INTERVAL}: drop, create,
     * advance, then copy the missing logical slots (a stop and start of this PostgreSQL).
     */
    @Override
    public void syncSlots(Action.SyncSlots a) {
        long now = ctx.clock.nanoTime();
        if (!PermanentSlots.syncDue(slotsSyncedAt, now)) {
            return;
        }
        slotsSyncedAt = now;
        Optional<Upstream> up = ctx.upstream(a.leader());
        if (up.isEmpty()) {
            return;
        }
        synchronized (ctx.pgLock) {
            if (!ctx.pg.running()) {
                return;
            }
            List<PermanentSlots.Seen> local = ctx.pg.slots();
            List<PermanentSlots.Seen> onPrimary = primarySlots(up.get());
            PermanentSlots.ReplicaPlan plan = PermanentSlots.onReplica(
                    ctx.dynamic,
                    PostgresControl.slotName(ctx.me),
                    local,
                    onPrimary,
                    pgSeen == null ? null : pgSeen.replayLsn());
            if (plan.isEmpty()) {
                return;
            }
            dropHere(plan.drop());
            if (!plan.create().isEmpty()) {
                ctx.pg.ensureSlots(plan.create());
                LOG.infof("created the permanent physical slot(s) %s on this standby", plan.create());
            }
            advanceHere(plan.advance(), local);
            copyLogicalSlots(up.get(), plan.copy());
        }
    }

    private List<PermanentSlots.Seen> primarySlots(Upstream up) {
        if (ctx.dynamic.slots().isEmpty()) {
            return List.of();
        }
        try {
            return ctx.pg.slotsOn(up, ctx.dynamic.slots().keySet());
        } catch (RuntimeException e) {
            LOG.warnf("%s: the permanent slots here are not advanced this time", e.getMessage());
            return List.of();
        }
    }

    private void dropHere(Set<String> drop) {
        if (!drop.isEmpty()) {
            Set<String> dropped = ctx.pg.dropInactiveSlots(drop);
            LOG.warnf("dropped replication slot(s) %s on this standby: neither permanent nor in ignore_slots", dropped);
        }
    }

    private void advanceHere(Map<String, io.pgha.events.Lsn> advance, List<PermanentSlots.Seen> local) {
        advance.forEach((name, lsn) -> {
            String database = local.stream()
                    .filter(s -> s.name().equals(name))
                    .findFirst()
                    .map(PermanentSlots.Seen::database) // null for a physical slot
                    .orElse(null);
            try {
                ctx.pg.advanceSlot(name, database, lsn);
                LOG.debugf("advanced slot %s to %s", name, lsn);
            } catch (io.pgha.agent.pg.SlotGone e) {
                LOG.warnf("%s: dropped, copied again from the leader", e.getMessage());
                ctx.pg.dropInactiveSlots(Set.of(name));
            } catch (RuntimeException e) {
                LOG.warnf("%s", e.getMessage());
            }
        });
    }

    /**
     * Patroni's copy on PostgreSQL before 17: read each slot's state file on the leader, stop this
     * standby, write them into pg_replslot, start it again (PostgreSQL loads slots only when it starts).
     */
    private void copyLogicalSlots(Upstream up, Set<String> copy) {
        if (copy.isEmpty()) {
            return;
        }
        Map<String, byte[]> states = ctx.pg.slotStatesOn(up, copy);
        if (states.isEmpty()) {
            return;
        }
        LOG.infof(
                "copying the permanent logical slot(s) %s from %s: restarting this standby",
                states.keySet(), up.member());
        ctx.stopPg(ctx.config.postgres().stopTimeout());
        try {
            ctx.pg.writeSlotStates(states);
        } finally {
            ctx.configurePg(true, Optional.of(up));
            ctx.startPg();
        }
    }

    /**
     * Drops the slots no member has wanted for {@code member_slots_ttl} ({@link DepartedSlots}); one
     * still in use stays until a later run finds it idle.
     */
    private void dropDepartedSlots() {
        Set<String> expired = PermanentSlots.stillDroppable(
                ctx.dynamic, departed.expired(ctx.dynamic.memberSlotsTtlDuration(), ctx.clock.nanoTime()));
        if (expired.isEmpty()) {
            return;
        }
        Set<String> dropped;
        synchronized (ctx.pgLock) {
            dropped = ctx.pg.dropInactiveSlots(expired);
        }
        departed = departed.without(dropped);
        if (!dropped.isEmpty()) {
            LOG.warnf(
                    "dropped replication slot(s) %s: no member has wanted them for member_slots_ttl (%d s)",
                    dropped, ctx.dynamic.memberSlotsTtl());
        }
    }

    /** Slots for every other member of {@code s} (read before the lock is taken: no etcd call under it). */
    void ensureSlots(ClusterSnapshot s) {
        ensure(wantedSlots(s));
    }

    /** A slot for every other member, and the permanent physical slots. */
    private Set<String> wantedSlots(ClusterSnapshot s) {
        Set<String> slots =
                new TreeSet<>(PermanentSlots.physicalOnPrimary(ctx.dynamic, PostgresControl.slotName(ctx.me)));
        for (String member : s.members().keySet()) {
            if (!member.equals(ctx.me)) {
                slots.add(PostgresControl.slotName(member));
            }
        }
        return slots;
    }

    private void ensure(Set<String> slots) {
        if (!slots.isEmpty()) {
            ctx.pg.ensureSlots(slots);
        }
    }

    @Override
    public void follow(Action.Follow a) {
        synchronized (ctx.pgLock) {
            Upstream up = ctx.upstream(a.leader()).orElseThrow();
            ctx.ensureOwnSlotOn(up);
            ctx.configurePg(true, Optional.of(up));
            ctx.pg.reload();
            ctx.following = Optional.of(a.leader());
            LOG.infof("following %s (primary_conninfo changed, reloaded)", a.leader());
        }
    }

    @Override
    public void rewindAndFollow(Action.RewindAndFollow a) {
        String leader = a.leader();
        synchronized (ctx.pgLock) {
            Upstream up = ctx.upstream(leader).orElseThrow();
            LOG.infof("%s is the leader and this data directory may have diverged: stop, rewind, follow", leader);
            ctx.stopPg(
                    ctx.role.current().actingPrimary()
                            ? ctx.boundedByLease(ctx.primaryStopTimeout())
                            : ctx.config.postgres().stopTimeout());
            ctx.role.tryTransition(Role.PRIMARY, Role.STANDBY);
            ctx.primaryDownSinceNanos = null;
            if (!ctx.mayRetry(AgentContext.REWIND)) {
                return; // stays stopped until the back-off ends
            }
            try {
                rewindOrReclone(up);
            } catch (RuntimeException e) {
                ctx.failed(AgentContext.REWIND, e);
                throw e;
            }
            ctx.succeeded(AgentContext.REWIND);
            ctx.configurePg(true, Optional.of(up));
            ctx.startPg();
            ctx.following = Optional.of(leader);
            ctx.mayHaveDiverged = false;
        }
    }

    private void rewindOrReclone(Upstream up) {
        ctx.ensureOwnSlotOn(up);
        boolean rewound = ctx.dynamic.usePgRewind() && ctx.pg.rewind(up);
        if (!rewound) {
            if (!ctx.config.postgres().recloneOnRewindFailure()) {
                throw new IllegalStateException("pg_rewind from " + up.member() + " failed or is disabled and"
                        + " pgha.postgres.reclone-on-rewind-failure is off: this member stays down");
            }
            LOG.warnf("re-cloning from %s", up.member());
            ctx.reclone(up);
        }
    }

    @Override
    public void demote(Action.Demote a) {
        synchronized (ctx.pgLock) {
            demote(a.reason());
        }
    }

    /**
     * Restarts read-only, without upstream, if this member acts as primary (the caller holds the
     * PostgreSQL lock). Also the fencing watchdog's demotion.
     */
    void demote(String reason) {
        if (!ctx.role.tryTransition(Role.PRIMARY, Role.DEMOTING)) {
            LOG.warnf("%s: not demoting, the role is %s", reason, ctx.role.current());
            return;
        }
        LOG.errorf("demoting: %s", reason);
        try {
            // sessions end at once with the fast shutdown; do not wait long for unreachable standbys
            ctx.stopPg(ctx.safetyMargin.isZero() ? Duration.ofSeconds(1) : ctx.safetyMargin);
        } catch (RuntimeException e) {
            ctx.role.transition(Role.DEMOTING, Role.PRIMARY);
            throw e;
        }
        ctx.role.transition(Role.DEMOTING, Role.STANDBY);
        ctx.mayHaveDiverged = true;
        ctx.primaryDownSinceNanos = null;
        ctx.configurePg(true, Optional.empty());
        ctx.startPg();
        ctx.following = Optional.empty();
    }

    @Override
    public void handOver(Action.HandOver a) {
        handledSwitchover = snapshot.revisionOf("switchover");
        if (!ctx.role.tryTransition(Role.PRIMARY, Role.HANDING_OVER)) {
            LOG.warnf("not handing over to %s: the role is %s", a.candidate(), ctx.role.current());
            return;
        }
        Handover.Outcome outcome = handover.run(
                a.candidate(),
                ctx.upstream(a.candidate()),
                ctx.dynamic.retryTimeoutDuration().multipliedBy(3),
                ctx.primaryStopTimeout());
        if (outcome == Handover.Outcome.HANDED_OVER) {
            ctx.following = Optional.of(a.candidate());
            ctx.mayHaveDiverged = false;
        }
    }

    @Override
    public void releaseLeader(Action.ReleaseLeader a) {
        LOG.errorf("releasing the leader key: %s", a.reason());
        ctx.store.releaseLeader(ctx.me);
        ctx.role.tryTransition(Role.PRIMARY, Role.STANDBY);
        ctx.primaryDownSinceNanos = null;
    }

    @Override
    public void acquireLeader(Action.AcquireLeader a) {
        boolean taken = ctx.store.acquireLeader(ctx.me, ctx.keeper.lease());
        LOG.warnf(
                taken
                        ? "paused: took the vacant leader key for this running primary"
                        : "paused: running as primary without the leader key (another agent took it first)");
    }

    /**
     * Fast failover: empty primary_conninfo (written to pgha.conf, so a restart does not follow the
     * leader again), reload, wait until the WAL receiver is gone, remember the report for the member key.
     */
    @Override
    public void detach(Action.Detach a) {
        synchronized (ctx.pgLock) {
            stopFollowing(a.leader());
            PgState gone = awaitWalReceiverGone(a.leader());
            ctx.detached = new io.pgha.core.MemberStatus.Detached(a.epoch(), detachedFlush(gone));
            LOG.warnf(
                    "detached from %s for epoch %d (fast failover): WAL receiver gone, flushed up to %s",
                    a.leader(), a.epoch(), ctx.detached.flush());
        }
    }

    private void stopFollowing(String leader) {
        ctx.configurePg(true, Optional.empty());
        ctx.pg.reload();
        ctx.following = Optional.empty();
        LOG.infof("stopped following %s (primary_conninfo emptied, reloaded)", leader);
    }

    private PgState awaitWalReceiverGone(String leader) {
        long deadline = ctx.clock.nanoTime() + DETACH_WAIT.toNanos();
        while (true) {
            PgState now = ctx.pg.probe();
            if (now.accepting() && now.walReceiverStatus() == null) {
                return now;
            }
            if (ctx.clock.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the WAL receiver from " + leader + " still runs "
                        + DETACH_WAIT.toMillis() + " ms after primary_conninfo was emptied: not reported detached");
            }
            PgProcess.pause(Duration.ofMillis(20));
        }
    }

    /** The last position received and flushed (replayed, when this standby never streamed). */
    private static io.pgha.events.Lsn detachedFlush(PgState s) {
        return s.receiveLsn() != null ? s.receiveLsn() : s.replayLsn();
    }

    /** Why PostgreSQL is left as it is (paused, or waiting for a promotion), logged once per reason. */
    @Override
    public void hold(Action.Hold a) {
        if (!a.reason().equals(lastHold)) {
            LOG.warnf("holding: %s", a.reason());
            lastHold = a.reason();
        } else {
            LOG.debugf("holding: %s", a.reason());
        }
    }
}
