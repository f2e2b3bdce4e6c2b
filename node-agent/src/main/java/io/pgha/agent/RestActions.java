package io.pgha.agent;

import io.pgha.agent.api.ActionAnswer;
import io.pgha.agent.api.ActionBody;
import io.pgha.agent.api.AgentView;
import io.pgha.agent.api.PatroniStatus;
import io.pgha.agent.decide.RestartRequest;
import io.pgha.agent.decide.ScheduledRestart;
import io.pgha.agent.pg.PgState;
import io.pgha.agent.pg.Upstream;
import io.pgha.core.store.ClusterSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The REST actions on PostgreSQL, with Patroni's answers: {@code POST /restart} (now or scheduled, with
 * its conditions: {@link RestartRequest}), {@code DELETE /restart}, {@code POST /reinitialize} and
 * {@code POST /reload}. A scheduled restart is kept here and carried out by the loop ({@link
 * #runScheduledRestart}) when {@link ScheduledRestart#due} says so. Only one restart or reinitialize
 * runs at a time ({@link #running}); the steps hold the PostgreSQL lock.
 */
final class RestActions {
    private static final Logger LOG = Logger.getLogger(RestActions.class);
    /** How long a restart waits for PostgreSQL to accept connections when primary_start_timeout is 0. */
    private static final Duration DEFAULT_START_WAIT = Duration.ofSeconds(60);

    private final AgentContext ctx;
    private final Supplier<AgentView> view;
    private final Runnable wakeLoop;
    private final AtomicReference<ScheduledRestart> scheduled = new AtomicReference<>();
    /** The restart or reinitialize under way ("restart", "reinitialize"), null when none. */
    private final AtomicReference<String> running = new AtomicReference<>();

    RestActions(AgentContext ctx, Supplier<AgentView> view, Runnable wakeLoop) {
        this.ctx = ctx;
        this.view = view;
        this.wakeLoop = wakeLoop;
    }

    /** The restart scheduled, if any (shown as {@code scheduled_restart} on {@code /patroni}). */
    Optional<ScheduledRestart> scheduled() {
        return Optional.ofNullable(scheduled.get());
    }

    // --- POST /restart, DELETE /restart ---

    /** {@code POST /restart} with {@code body}. */
    ActionAnswer restart(String body) {
        RestartRequest.Parsed parsed = RestartRequest.parse(body, Instant.now());
        if (!parsed.ok()) {
            return ActionAnswer.of(parsed.status(), parsed.error());
        }
        RestartRequest request = parsed.request();
        if (request.schedule().isEmpty()) {
            return restartNow(request);
        }
        if (ctx.dynamic.pause()) {
            return ActionAnswer.of(500, "Can't schedule restart in the paused state");
        }
        AgentView v = view.get();
        ScheduledRestart next = new ScheduledRestart(request, v == null ? null : v.pg().postmasterStart());
        if (!scheduled.compareAndSet(null, next)) {
            return ActionAnswer.of(409, "Another restart is already scheduled");
        }
        LOG.infof("restart scheduled at %s (%s)", next.at(), request.patroniShape());
        return ActionAnswer.of(202, "Restart scheduled");
    }

    /** {@code DELETE /restart}: Patroni's 200, or 404 when none is scheduled. */
    ActionAnswer cancelScheduledRestart() {
        ScheduledRestart was = scheduled.getAndSet(null);
        if (was == null) {
            return ActionAnswer.of(404, "no restarts are scheduled");
        }
        LOG.infof("scheduled restart at %s deleted", was.at());
        return ActionAnswer.of(200, "scheduled restart deleted");
    }

    /**
     * From the loop (its thread, after a run): carries out the scheduled restart once it is due, or
     * forgets it when PostgreSQL restarted since it was scheduled or it is found stale.
     */
    void runScheduledRestart(PgState state) {
        ScheduledRestart s = scheduled.get();
        if (s == null) {
            return;
        }
        ScheduledRestart.Due due =
                s.due(Instant.now(), state.postmasterStart(), ctx.dynamic.pause(), ctx.dynamic.loopWaitDuration());
        switch (due) {
            case WAIT -> {
                return;
            }
            case RESTARTED_SINCE -> LOG.infof(
                    "scheduled restart at %s cancelled: PostgreSQL restarted at %s since it was scheduled",
                    s.at(), state.postmasterStart());
            case STALE -> LOG.warnf("scheduled restart at %s found too late: dropped", s.at());
            case RUN -> {
                if (scheduled.compareAndSet(s, null)) {
                    ActionAnswer answer = restartNow(s.request().now());
                    LOG.infof("scheduled restart at %s: %s", s.at(), answer.text());
                }
                return;
            }
        }
        scheduled.compareAndSet(s, null);
    }

    /**
     * A restart now, if {@code request}'s conditions hold: 200 once PostgreSQL accepts connections
     * again, 503 when they do not hold, another restart or reinitialize runs, or it failed.
     */
    private ActionAnswer restartNow(RestartRequest request) {
        AgentView v = view.get();
        if (v == null) {
            return ActionAnswer.of(503, "restart failed: the agent has not started yet");
        }
        Optional<String> unmet = request.unmet(PatroniStatus.role(v), v.pg().serverVersion(), v.pg().pendingRestart());
        if (unmet.isPresent()) {
            LOG.infof("not proceeding with the restart: %s", unmet.get());
            return ActionAnswer.of(503, "restart conditions are not satisfied: " + unmet.get());
        }
        if (ctx.role.current().steppingDown()) {
            return ActionAnswer.of(503, "a handover or a demotion is under way: restart once it has finished");
        }
        String other = running.compareAndExchange(null, "restart");
        if (other != null) {
            return ActionAnswer.of(503, other + " already in progress");
        }
        Duration wait = request.timeout()
                .orElse(
                        ctx.dynamic.primaryStartTimeout() > 0
                                ? ctx.dynamic.primaryStartTimeoutDuration()
                                : DEFAULT_START_WAIT);
        try {
            boolean accepting = restartAndWait(wait);
            return accepting
                    ? ActionAnswer.of(200, "restarted successfully")
                    : ActionAnswer.of(503, "postgres is still starting");
        } catch (RuntimeException e) {
            LOG.errorf("restart failed: %s", e.getMessage());
            return ActionAnswer.of(503, "restart failed: " + e.getMessage());
        } finally {
            running.set(null);
            wakeLoop.run();
        }
    }

    /**
     * Stops and starts PostgreSQL in its current role and waits up to {@code wait} for it to accept
     * connections. A primary that does not by then counts as crashed since {@code primary_start_timeout}
     * ago, so the loop's crash path releases the leader key at once (Patroni's {@code timeout}: "fail
     * over to a replica").
     */
    private boolean restartAndWait(Duration wait) {
        boolean[] accepting = {false};
        synchronized (ctx.pgLock) {
            ctx.restStep(() -> {
                boolean standby = ctx.role.current() != Role.PRIMARY;
                ctx.stopPg();
                Optional<Upstream> up = ctx.following.flatMap(ctx::upstream);
                ctx.configurePg(standby, up);
                ctx.startPg();
                ctx.awaitAccepting(wait);
                accepting[0] = ctx.pg.probe().accepting();
                if (!accepting[0] && !standby) {
                    ctx.primaryDownSinceNanos = ctx.clock.nanoTime()
                            - ctx.dynamic.primaryStartTimeoutDuration().toNanos();
                }
            });
        }
        return accepting[0];
    }

    // --- POST /reinitialize ---

    /**
     * {@code POST /reinitialize} ({@code force}, {@code from-leader}): re-clones this replica from the
     * leader. Refused (503, Patroni's text) on the leader and without one. Without {@code force}, a
     * restart or reinitialize under way refuses it; with {@code force} it waits for that step to end
     * (pgha cannot interrupt a stop or a clone half-way) and drops a scheduled restart. pgha always
     * clones from the leader, so {@code from-leader} changes nothing.
     */
    ActionAnswer reinitialize(String body) {
        boolean force = ActionBody.flag(body, "force");
        ClusterSnapshot last = ctx.lastSnapshot;
        Optional<String> leader =
                last == null ? Optional.empty() : last.leader().map(l -> l.member());
        if (leader.isEmpty()) {
            return ActionAnswer.of(503, "Cluster has no leader, can not reinitialize");
        }
        Role role = ctx.role.current();
        if (leader.get().equals(ctx.me) || role.actingPrimary() || role.steppingDown()) {
            return ActionAnswer.of(503, "I am the leader, can not reinitialize");
        }
        if (last.currentDetach().isPresent()) {
            // a fast failover is detaching the standbys from this leader: cloning from it would follow it again
            return ActionAnswer.of(
                    503,
                    "a fast failover is detaching the standbys from " + leader.get()
                            + ", can not reinitialize from it: try again once a new leader is elected");
        }
        Optional<Upstream> up = ctx.upstream(leader.get());
        if (up.isEmpty()) {
            return ActionAnswer.of(503, "reinitialize failed: the leader " + leader.get() + " has no address yet");
        }
        if (force) {
            ScheduledRestart dropped = scheduled.getAndSet(null);
            if (dropped != null) {
                LOG.infof("reinitialize with force: scheduled restart at %s dropped", dropped.at());
            }
        }
        String other = running.compareAndExchange(null, "reinitialize");
        if (other != null && !force) {
            return ActionAnswer.of(503, other + " already in progress");
        }
        try {
            synchronized (ctx.pgLock) {
                if (other != null) {
                    running.set("reinitialize"); // the forced one waited for the lock: the other step ended
                }
                ctx.restStep(() -> {
                    ctx.stopPg();
                    ctx.reclone(up.get());
                    ctx.configurePg(true, up);
                    ctx.startPg();
                    ctx.following = Optional.of(leader.get());
                    ctx.mayHaveDiverged = false;
                });
            }
            return ActionAnswer.of(200, "reinitialize started");
        } catch (RuntimeException e) {
            LOG.errorf("reinitialize failed: %s", e.getMessage());
            return ActionAnswer.of(503, "reinitialize failed: " + e.getMessage());
        } finally {
            running.set(null);
            wakeLoop.run();
        }
    }

    // --- POST /reload ---

    /**
     * {@code POST /reload}: what the agent can re-read while it runs. The loop is woken, so it reads
     * the dynamic configuration from etcd at once (and applies {@code ttl}, {@code loop_wait}, {@code
     * postgresql.parameters}, ...); pgha.conf is written again from the settings in force (the dynamic
     * {@code postgresql.parameters}, the agent's {@code pgha.postgres.parameters}, the archiver's) and
     * PostgreSQL reloads it; the REST token file is read at every request anyway. 202, as Patroni.
     */
    ActionAnswer reload() {
        wakeLoop.run();
        synchronized (ctx.pgLock) {
            Role now = ctx.role.current();
            if ((now == Role.PRIMARY || now == Role.STANDBY) && ctx.pg.running()) {
                boolean standby = now == Role.STANDBY;
                Optional<Upstream> up = standby ? ctx.following.flatMap(ctx::upstream) : Optional.empty();
                if (!standby || up.isPresent()) {
                    ctx.configurePg(standby, up);
                }
                ctx.pg.reload();
                LOG.info("reload: pgha.conf written again and PostgreSQL reloaded; the dynamic config is read now");
            }
        }
        return ActionAnswer.of(202, "reload scheduled");
    }
}
