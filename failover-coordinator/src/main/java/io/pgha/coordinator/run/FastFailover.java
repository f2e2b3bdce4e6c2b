package io.pgha.coordinator.run;

import io.pgha.coordinator.agent.AgentReport;
import io.pgha.coordinator.decide.FastFailoverGate;
import io.pgha.coordinator.decide.RouterFenceGate;
import io.pgha.coordinator.decide.Suspicion;
import io.pgha.core.Detach;
import io.pgha.core.DynamicConfig;
import io.pgha.core.MemberStatus;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The fast failover (failover-coordinator's DESIGN.md, "Fast failover"; synchronous mode, and asynchronous
 * mode with the routers declared, where {@link RouterFenceGate} is the gate): when
 * {@link Suspicion} is ripe, write {@code /detach} (guarded by the election key and the leader key's
 * revision), wait up to fast-failover-timeout for {@link FastFailoverGate}, then delete the leader key
 * and {@code /detach} in one transaction, revoke the old leader's lease and promote one of the detached
 * members through the ordinary {@link Promotion}; or abandon (delete {@code /detach}: the lease path
 * decides).
 */
final class FastFailover {
    private static final Logger LOG = Logger.getLogger(FastFailover.class);

    private final ClusterContext ctx;
    private final Promotion promotion;
    /** The epoch the observers agree on, and since when (monotonic; 0: not agreed). */
    private long agreedEpoch;

    private long agreedSince;
    /** The epoch whose fast failover was abandoned: the lease path decides it. */
    private long abandonedEpoch;

    FastFailover(ClusterContext ctx, Promotion promotion) {
        this.ctx = ctx;
        this.promotion = promotion;
    }

    /** Evaluates the triggers; when ripe, runs the fast failover. False when the run should end. */
    boolean watch(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync) {
        LeaderKey leader = snapshot.leader().orElseThrow();
        if (leader.modRevision() == abandonedEpoch) {
            return true;
        }
        Set<String> candidates =
                config.synchronousMode() ? promotable(sync, leader.member()) : standbys(snapshot, leader.member());
        Suspicion.Facts facts =
                new Suspicion.Facts(leader.member(), candidates, monitorUnreachable(leader.member()), null);
        Suspicion.Result result = Suspicion.decide(facts);
        // when the agent is asked: an agent that does not answer was silent from then on, so an answer
        // that timed out (an isolated or frozen node: no refusal, agent-timeout) counts towards suspect-after
        long asked = ctx.nanos();
        if (result.verdict() == Suspicion.Verdict.ASK_AGENT) {
            result = Suspicion.decide(new Suspicion.Facts(
                    facts.leader(), facts.promotable(), true, agentAnswers(snapshot, leader.member())));
        }
        if (result.verdict() != Suspicion.Verdict.AGREED) {
            agreedSince = 0;
            LOG.tracef("%s: fast failover not suspected: %s", ctx.cluster, result.why());
            return true;
        }
        if (agreedSince == 0 || agreedEpoch != leader.modRevision()) {
            agreedEpoch = leader.modRevision();
            agreedSince = asked;
            LOG.warnf(
                    "%s: %s; fast failover after %d ms more",
                    ctx.cluster,
                    result.why(),
                    Suspicion.leftUntilRipe(agreedSince, ctx.nanos(), ctx.settings.fastFailoverSuspectAfter())
                            .toMillis());
        }
        if (!Suspicion.ripe(agreedSince, ctx.nanos(), ctx.settings.fastFailoverSuspectAfter())) {
            ctx.runAgainIn(Suspicion.leftUntilRipe(agreedSince, ctx.nanos(), ctx.settings.fastFailoverSuspectAfter()));
            return true;
        }
        agreedSince = 0;
        return !start(snapshot, config, sync, leader, result.why());
    }

    /** Writes {@code /detach} and carries the fast failover through; true when it was started. */
    private boolean start(
            ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync, LeaderKey leader, String why) {
        Detach order = new Detach(leader.modRevision(), leader.member());
        if (!ctx.store.writeDetach(ctx.cluster, order.toJson(), leader.modRevision(), ctx.electionRevision())) {
            LOG.warnf(
                    "%s: /detach not written (the leader key changed, or this replica lost the cluster)", ctx.cluster);
            return false;
        }
        LOG.warnf(
                "%s: fast failover: %s; /detach written for %s (epoch %d)",
                ctx.cluster, why, leader.member(), leader.modRevision());
        finish(config);
        return true;
    }

    /**
     * A {@code /detach} for the current leader key (written by this run, or found at start): waits for
     * the gate, then promotes, or abandons after fast-failover-timeout. Always ends the run.
     */
    void finish(DynamicConfig config) {
        long started = ctx.nanos();
        while (ctx.running()) {
            ClusterSnapshot now = ctx.store.read(ctx.cluster);
            if (now.revisionOf(io.pgha.coordinator.etcd.CoordinatorStore.ELECTION_KEY) != ctx.electionRevision()) {
                ctx.lose("its election key is gone or belongs to another replica");
                return;
            }
            Optional<Detach> order = now.currentDetach().filter(d -> !d.isLeaderless());
            if (order.isEmpty()) {
                LOG.warnf("%s: the leader key changed during the fast failover; deciding again", ctx.cluster);
                return; // the old lease expired meanwhile (the stale /detach is deleted next run)
            }
            Optional<SyncSet> sync = Keys.sync(ctx.cluster, now);
            Duration waited = Duration.ofNanos(ctx.nanos() - started);
            FastFailoverGate.Result gate = config.synchronousMode()
                    ? FastFailoverGate.decide(
                            order.get(),
                            now.revisionOf("detach"),
                            promotable(sync, order.get().leader()),
                            reports(now),
                            waited,
                            ctx.settings.fastFailoverTimeout())
                    : RouterFenceGate.decide(
                            order.get(),
                            now.revisionOf("detach"),
                            Set.copyOf(ctx.settings.fastFailoverRouters().orElse(List.of())),
                            ctx.store.routers(ctx.cluster),
                            reports(now),
                            waited,
                            ctx.settings.fastFailoverTimeout());
            switch (gate.verdict()) {
                case OPEN -> {
                    promote(now, config, sync, order.get(), gate, started);
                    return;
                }
                case ABANDON -> {
                    abandon(now, order.get(), gate.why());
                    return;
                }
                case WAIT -> {
                    if (!ctx.sleep(50, false)) {
                        return;
                    }
                }
            }
        }
    }

    /** Deletes a {@code /detach} that no longer applies to the leader key. */
    void deleteStale(ClusterSnapshot snapshot) {
        if (ctx.store.compareAndDelete(ctx.cluster, "detach", snapshot.revisionOf("detach"), ctx.electionRevision())) {
            LOG.infof("%s: deleted a /detach that no longer applies to the leader key", ctx.cluster);
        }
    }

    private void promote(
            ClusterSnapshot now,
            DynamicConfig config,
            Optional<SyncSet> sync,
            Detach order,
            FastFailoverGate.Result gate,
            long started) {
        LeaderKey old = now.leader().orElseThrow();
        if (!ctx.store.deleteLeaderAndDetach(
                ctx.cluster, old.modRevision(), now.revisionOf("detach"), ctx.electionRevision())) {
            LOG.warnf(
                    "%s: the leader key or /detach changed before the fast failover's delete; deciding again",
                    ctx.cluster);
            return;
        }
        revoke(old);
        LOG.warnf(
                "%s: fast failover: %s; leader key of %s (epoch %d) deleted and its lease revoked after %d ms",
                ctx.cluster,
                gate.why(),
                order.leader(),
                order.epoch(),
                TimeUnit.NANOSECONDS.toMillis(ctx.nanos() - started));
        ClusterSnapshot after = ctx.store.read(ctx.cluster);
        promotion.promote(
                after,
                config,
                Keys.sync(ctx.cluster, after),
                new Promotion.Request(Promotion.Kind.FAST_FAILOVER, null, null, false, gate.detached()));
    }

    /** Revokes the old leader's lease: its agent's next renewal finds none and it fences at once. */
    private void revoke(LeaderKey old) {
        try {
            ctx.store.revokeLease(old.lease());
        } catch (RuntimeException e) {
            // its leader key is gone already; the lease ends by itself at ttl, and the agent's watchdog fences
            LOG.warnf(
                    "%s: could not revoke lease %x of %s: %s", ctx.cluster, old.lease(), old.member(), e.getMessage());
        }
    }

    private void abandon(ClusterSnapshot now, Detach order, String why) {
        abandonedEpoch = order.epoch();
        boolean deleted =
                ctx.store.compareAndDelete(ctx.cluster, "detach", now.revisionOf("detach"), ctx.electionRevision());
        LOG.warnf(
                "%s: fast failover abandoned (%s)%s; the lease path decides",
                ctx.cluster, why, deleted ? ", /detach deleted: the standbys follow " + order.leader() + " again" : "");
    }

    /** Whether the deployment declares its routers: without them the asynchronous mode keeps the lease path. */
    static boolean routersDeclared(io.pgha.coordinator.config.CoordinatorConfig.Coordinator settings) {
        return settings.fastFailoverRouters().filter(r -> !r.isEmpty()).isPresent();
    }

    /** Asynchronous mode: every member but the leader may be a candidate (once it detached). */
    private static Set<String> standbys(ClusterSnapshot snapshot, String leader) {
        return snapshot.members().keySet().stream()
                .filter(m -> !m.equals(leader))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** P of {@code /sync} when it was written for {@code leader}; empty otherwise. */
    private static Set<String> promotable(Optional<SyncSet> sync, String leader) {
        // a quorum record's voters do not each hold every commit: one detached voter proves nothing
        return sync.filter(s -> leader.equals(s.leader()) && !s.isQuorum())
                .map(s -> Set.copyOf(s.members()))
                .orElse(Set.of());
    }

    private boolean monitorUnreachable(String leader) {
        return ctx.health
                .of(ctx.cluster, leader, Suspicion.MONITOR_MAX_AGE, ctx.clock.instant())
                .map(seen -> !seen.reachable())
                .orElse(false);
    }

    private boolean agentAnswers(ClusterSnapshot snapshot, String leader) {
        String apiUrl = snapshot.member(leader)
                .map(MemberEntry::status)
                .map(MemberStatus::apiUrl)
                .orElse(null);
        if (apiUrl == null) {
            return false;
        }
        AgentReport report = ctx.agents.fetch(apiUrl).join();
        return report.answered();
    }

    private static Map<String, FastFailoverGate.Report> reports(ClusterSnapshot s) {
        Map<String, FastFailoverGate.Report> reports = new HashMap<>();
        s.members()
                .forEach((name, entry) -> reports.put(
                        name, new FastFailoverGate.Report(entry.status(), s.revisionOf("members/" + name))));
        return reports;
    }
}
