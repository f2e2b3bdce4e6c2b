package io.pgha.coordinator.run;

import io.pgha.coordinator.decide.CandidateRanking;
import io.pgha.coordinator.decide.ColdStart;
import io.pgha.coordinator.decide.FailoverPolicy;
import io.pgha.coordinator.decide.FailsafeGate;
import io.pgha.coordinator.decide.LastTimeline;
import io.pgha.coordinator.decide.MemberSnapshot;
import io.pgha.coordinator.decide.QuorumPlanner;
import io.pgha.coordinator.decide.QuorumRule;
import io.pgha.coordinator.decide.Ranking;
import io.pgha.coordinator.decide.SyncPlanner;
import io.pgha.core.DynamicConfig;
import io.pgha.core.MemberStatus;
import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.ElectionEvent;
import io.pgha.events.ElectionEvent.Exclusion;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * A failover, a manual failover or the second half of a switchover: rank the candidates, write
 * {@code /sync} (synchronous mode) and the leader key for the best one, wait until it runs as primary,
 * record and publish the outcome; take the key back and try the next candidate when it does not. A
 * stopping replica never takes a key back: the promotion stays in flight for the next leading replica.
 */
final class Promotion {
    private static final Logger LOG = Logger.getLogger(Promotion.class);

    /** Why a member is being promoted. */
    enum Kind {
        FAILOVER("failover"),
        SWITCHOVER("switchover"),
        MANUAL("manual failover"),
        /** Synchronous mode's fast failover: the old leader key was deleted after its standbys detached. */
        FAST_FAILOVER("fast failover"),
        /** Quorum commit: the leader key is gone and enough voters detached to prove the winner. */
        QUORUM_FAILOVER("quorum failover");

        final String what;

        Kind(String what) {
            this.what = what;
        }
    }

    /**
     * What is asked: the kind, a requested candidate (null: the best), the switchover, ignore_lag, and
     * the only members that may win (null: any eligible one; the fast failover's detached members).
     */
    record Request(
            Kind kind,
            String requested,
            Switchover switchover,
            boolean ignoreLag,
            Set<String> only,
            QuorumRule.Recorded quorum,
            List<QuorumRule.Reading> readings) {
        Request(Kind kind, String requested, Switchover switchover, boolean ignoreLag) {
            this(kind, requested, switchover, ignoreLag, null);
        }

        Request(Kind kind, String requested, Switchover switchover, boolean ignoreLag, Set<String> only) {
            this(kind, requested, switchover, ignoreLag, only, null, List.of());
        }

        /** Quorum commit's failover: only {@link QuorumRule#winner} over {@code readings} may win. */
        static Request quorum(QuorumRule.Recorded recorded, List<QuorumRule.Reading> readings) {
            return new Request(Kind.QUORUM_FAILOVER, null, null, false, null, recorded, readings);
        }
    }

    private final ClusterContext ctx;
    private final LeaderMemory memory;
    private final StatusWriter status;
    private final SyncKeeper sync;
    private final SwitchoverSteps switchovers;
    private final BiConsumer<ClusterSnapshot, Long> routeNow;

    /**
     * @param routeNow publishes the topology of a snapshot in which the winner runs as primary under the
     *     given epoch, before the outcome is recorded ({@code /history}, {@code /status}, events): the
     *     routers move writes to the new primary on that topology, so every etcd write after it would
     *     be part of the write gap
     */
    Promotion(
            ClusterContext ctx,
            LeaderMemory memory,
            StatusWriter status,
            SyncKeeper sync,
            SwitchoverSteps switchovers,
            BiConsumer<ClusterSnapshot, Long> routeNow) {
        this.ctx = ctx;
        this.memory = memory;
        this.status = status;
        this.sync = sync;
        this.switchovers = switchovers;
        this.routeNow = routeNow;
    }

    /** True once a candidate runs as primary under the new leader key. */
    boolean promote(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> syncSet, Request request) {
        long started = ctx.nanos();
        status.forgetFailureMessage();
        String former = memory.lastLeader;
        // a quorum record's voters do not each hold every commit: in FIRST mode none of them is promotable
        Set<String> promotable = syncSet.filter(s -> !s.isQuorum() || config.synchronousQuorum())
                .map(s -> Set.copyOf(s.members()))
                .orElse(Set.of());
        Optional<Ranking> ranked = rank(snapshot, config, syncSet, promotable, request);
        if (ranked.isEmpty()) {
            return false; // a cold start waits for a member that may hold every commit
        }
        Ranking ranking = ranked.get();
        List<Exclusion> excluded = ranking.exclusionsForEvent();
        String what = request.kind().what;
        Set<String> only = request.only();
        String quorumWhy = null;
        if (request.quorum() != null) {
            Map<String, String> reasons = new HashMap<>();
            excluded.forEach(e -> reasons.put(e.member(), e.reason()));
            QuorumRule.Verdict verdict = QuorumRule.winner(request.quorum(), request.readings(), reasons);
            if (verdict instanceof QuorumRule.Verdict.Wait wait) {
                status.report(what, null, "no promotion: " + wait.why(), excluded, "failed");
                return false;
            }
            QuorumRule.Verdict.Promote promote = (QuorumRule.Verdict.Promote) verdict;
            only = Set.of(promote.name());
            quorumWhy = promote.why();
        }
        Set<String> allowed = only;
        List<MemberSnapshot> candidates = ranking.eligible().stream()
                .filter(m -> request.requested() == null || m.name().equals(request.requested()))
                .filter(m -> allowed == null || allowed.contains(m.name()))
                .toList();
        if (candidates.isEmpty()) {
            noCandidate(snapshot, request, ranking, excluded);
            return false;
        }
        status.forgetReportedFailure();
        LOG.infof(
                "%s of %s: former leader %s, candidates %s, excluded %s",
                what,
                ctx.cluster,
                former,
                candidates.stream().map(MemberSnapshot::name).toList(),
                excluded);
        if (request.kind() != Kind.SWITCHOVER) {
            ctx.publish(new ElectionEvent.FailoverStarted(
                    ctx.cluster,
                    memory.lastEpoch,
                    former,
                    request.kind() == Kind.MANUAL
                            ? "manual failover to " + request.requested()
                            : request.kind() == Kind.FAST_FAILOVER
                                    ? "fast failover: the leader's node is lost and " + request.only()
                                            + " detached from it"
                                    : request.kind() == Kind.QUORUM_FAILOVER
                                            ? "the leader key is gone; quorum: " + quorumWhy
                                            : "the leader key is gone",
                    candidates.get(0).name(),
                    excluded,
                    ctx.clock.instant()));
        }
        for (MemberSnapshot candidate : candidates) {
            if (!ctx.running()) {
                return false; // stopping: the next leading replica decides
            }
            Optional<MemberEntry> entry = snapshot.member(candidate.name());
            if (entry.isEmpty() || entry.get().lease() == 0) {
                continue;
            }
            long epoch = config.synchronousQuorum()
                    ? writeLeaderWithQuorum(
                            snapshot,
                            config,
                            syncSet,
                            candidate.name(),
                            entry.get().lease(),
                            former,
                            what)
                    : config.synchronousMode()
                            ? writeLeaderWithSync(
                                    snapshot,
                                    config,
                                    promotable,
                                    candidate.name(),
                                    entry.get().lease(),
                                    former,
                                    what)
                            : ctx.store.writeLeader(
                                    ctx.cluster, candidate.name(), entry.get().lease(), ctx.electionRevision());
            if (epoch == 0) {
                LOG.warnf(
                        "%s: the leader key could not be written (present again, or this replica lost %s)",
                        what, ctx.cluster);
                return false;
            }
            LOG.infof("%s: leader key written for %s (epoch %d)", what, candidate.name(), epoch);
            Optional<ClusterSnapshot> promoted = awaitPrimary(candidate.name(), epoch);
            if (promoted.isPresent()) {
                MemberStatus primary = promoted.get()
                        .member(candidate.name())
                        .map(MemberEntry::status)
                        .orElseThrow();
                routeNow.accept(promoted.get(), epoch);
                completed(request.kind(), former, candidate.name(), epoch, primary, excluded, started);
                return true;
            }
            if (!ctx.running() || !ctx.leads()) {
                // stopping (or no longer leading): the promotion stays in flight; the next leading replica
                // watches it (UnpromotedLeader) and takes the key back only if it never completes
                return false;
            }
            takeBack(what, former, candidate.name(), epoch, excluded);
            snapshot = ctx.store.read(ctx.cluster);
            if (snapshot.leader().isPresent()) {
                return false; // the candidate made it after all, or another writer: decide again
            }
        }
        status.report(what, null, "no candidate became primary", excluded, "failed");
        return false;
    }

    /** The candidates in order, or empty while a cold start waits (reported in {@code /status}). */
    private Optional<Ranking> rank(
            ClusterSnapshot snapshot,
            DynamicConfig config,
            Optional<SyncSet> syncSet,
            Set<String> promotable,
            Request request) {
        String former = memory.lastLeader;
        List<MemberEntry> others = snapshot.members().values().stream()
                .filter(m -> !m.name().equals(former))
                .toList();
        List<MemberSnapshot> snapshots = MemberSnapshots.fetch(
                ctx.agents,
                ctx.health,
                ctx.settings.healthViewMaxAge(),
                ctx.cluster,
                others,
                memory.followingLeader,
                ctx.clock.instant());
        if (memory.lastLeaderLsn == null) {
            memory.lastLeaderLsn = StatusWriter.optime(snapshot); // a replica that took over in the middle
        }
        FailoverPolicy policy = new FailoverPolicy(
                config.maximumLagOnFailover(),
                memory.lastLeaderLsn,
                config.synchronousMode(),
                promotable,
                request.ignoreLag() || request.kind() == Kind.SWITCHOVER);
        if (config.checkTimeline()) {
            policy = policy.checkingTimeline(LastTimeline.of(memory.lastLeaderTimeline, snapshot.history()));
        }
        if (config.failsafeMode()) {
            Optional<String> hold = FailsafeGate.hold(true, former, snapshots);
            memory.failsafeReleased = hold.isEmpty();
            if (hold.isPresent()) {
                status.report(request.kind().what, null, hold.get(), List.of(), "failed");
                return Optional.empty();
            }
            policy = policy.onlyFailsafeMembers(
                    snapshot.failsafeMembers().map(f -> f.members().keySet()).orElse(Set.of()));
        }
        if (former == null) {
            // no leader seen alive: every node was stopped, or this replica took over a leaderless cluster
            policy = policy.coldStart(StatusWriter.recordedLeader(snapshot, config, syncSet));
            Optional<String> awaiting = coldStartAwaiting(policy, snapshots, request.kind());
            if (awaiting.isPresent()) {
                status.report(
                        request.kind().what,
                        null,
                        "cold start: " + awaiting.get(),
                        CandidateRanking.rank(snapshots, policy).exclusionsForEvent(),
                        "failed");
                return Optional.empty();
            }
        }
        return Optional.of(CandidateRanking.rank(snapshots, policy));
    }

    /** Whom a cold start still waits for ({@link ColdStart}); a manual failover never waits. */
    private Optional<String> coldStartAwaiting(FailoverPolicy policy, List<MemberSnapshot> snapshots, Kind kind) {
        Set<String> running = snapshots.stream()
                .filter(m -> m.agentAnswered() && m.running())
                .map(MemberSnapshot::name)
                .collect(Collectors.toSet());
        if (running.isEmpty()) {
            memory.coldStartSinceNanos = 0; // the wait for the last leader counts from the first member running
        } else if (memory.coldStartSinceNanos == 0) {
            memory.coldStartSinceNanos = ctx.nanos();
        }
        if (kind == Kind.MANUAL) {
            return Optional.empty();
        }
        return ColdStart.awaiting(
                policy,
                running,
                Duration.ofNanos(ctx.nanos() - memory.coldStartSinceNanos),
                ctx.settings.coldStartWait());
    }

    private void noCandidate(ClusterSnapshot snapshot, Request request, Ranking ranking, List<Exclusion> excluded) {
        String requested = request.requested();
        String reason = requested != null
                ? requested + " cannot become primary: "
                        + ranking.exclusionOf(requested)
                                .map(Ranking.Excluded::detail)
                                .orElse("it is not a member")
                : "no member can become primary";
        status.report(request.kind().what, null, reason, excluded, "failed");
        if (request.kind() == Kind.SWITCHOVER) {
            switchovers.abandon(snapshot, request.switchover(), reason);
        }
    }

    /**
     * Synchronous mode: {@code /sync} for the winner together with its leader key, in one transaction
     * (see DESIGN.md): the winner's agent finds its synchronous set the moment it finds the key. The
     * epoch, or 0 when either key changed meanwhile (the run decides again).
     */
    private long writeLeaderWithSync(
            ClusterSnapshot snapshot,
            DynamicConfig config,
            Set<String> promotable,
            String candidate,
            long candidateLease,
            String former,
            String what) {
        SyncPlanner.Step.Write plan = SyncPlanner.forNewLeader(
                promotable,
                candidate,
                sync.standbys(snapshot, former),
                config.synchronousNodeCount(),
                config.synchronousModeStrict());
        String value = SyncSet.of(candidate, plan.promotable(), plan.target()).toJson();
        long epoch = ctx.store.writeLeaderWithSync(
                ctx.cluster, candidate, candidateLease, value, snapshot.revisionOf("sync"), ctx.electionRevision());
        if (epoch != 0) {
            LOG.infof("%s: /sync for %s written with its leader key: %s", what, candidate, value);
        }
        return epoch;
    }

    /**
     * Quorum commit: {@code /sync} for the winner ({@link QuorumPlanner#forNewLeader}) together with its
     * leader key. The epoch, or 0 when either key changed meanwhile.
     */
    private long writeLeaderWithQuorum(
            ClusterSnapshot snapshot,
            DynamicConfig config,
            Optional<SyncSet> syncSet,
            String candidate,
            long candidateLease,
            String former,
            String what) {
        QuorumRule.Recorded recorded =
                QuorumRule.recorded(syncSet, syncSet.map(SyncSet::leader).orElse(null));
        QuorumPlanner.Step.Write plan = QuorumPlanner.forNewLeader(
                recorded, candidate, sync.standbys(snapshot, former), config.synchronousNodeCount());
        String value = SyncSet.quorum(
                        candidate,
                        plan.recorded().voters(),
                        plan.recorded().k(),
                        plan.target().members(),
                        plan.target().k())
                .toJson();
        long epoch = ctx.store.writeLeaderWithSync(
                ctx.cluster, candidate, candidateLease, value, snapshot.revisionOf("sync"), ctx.electionRevision());
        if (epoch != 0) {
            LOG.infof("%s: /sync for %s written with its leader key: %s (%s)", what, candidate, value, plan.why());
        }
        return epoch;
    }

    private void completed(
            Kind kind,
            String former,
            String winner,
            long epoch,
            MemberStatus promoted,
            List<Exclusion> excluded,
            long started) {
        long millis = TimeUnit.NANOSECONDS.toMillis(ctx.nanos() - started);
        memory.lastEpoch = epoch;
        status.appendHistory(former, winner, kind.what, promoted);
        Instant now = ctx.clock.instant();
        if (kind == Kind.SWITCHOVER) {
            ctx.publish(new ElectionEvent.SwitchoverCompleted(ctx.cluster, epoch, former, winner, now));
        } else {
            ctx.publish(new ElectionEvent.FailoverCompleted(
                    ctx.cluster, epoch, former, winner, (int) promoted.timeline(), excluded, now));
        }
        if (former != null && !former.equals(winner)) {
            ctx.publish(new ElectionEvent.MemberDemoted(
                    ctx.cluster,
                    epoch,
                    former,
                    kind == Kind.SWITCHOVER ? "switchover to " + winner : "its leader key was lost",
                    now));
        }
        ctx.publish(new ElectionEvent.MemberPromoted(
                ctx.cluster, epoch, winner, (int) promoted.timeline(), promoted.bestLsn(), now));
        status.report(kind.what, winner, "completed in " + millis + " ms", excluded, "completed");
        LOG.infof(
                "%s of %s completed: %s is primary (epoch %d) after %d ms",
                kind.what, ctx.cluster, winner, epoch, millis);
    }

    /**
     * Takes back a leader key whose member has run as a replica for promote-timeout since this replica
     * first saw the key (the replica that wrote it may have stopped leading before the promotion).
     * True when it was taken back.
     */
    boolean takeBackUnpromoted(LeaderKey leader) {
        boolean taken = ctx.store.takeBackLeader(ctx.cluster, leader.modRevision(), ctx.electionRevision());
        String reason = leader.member() + " held the leader key for "
                + ctx.settings.promoteTimeout().toSeconds() + " s but kept running as a replica"
                + (taken ? "; its leader key was taken back" : "");
        LOG.warnf("%s: %s", ctx.cluster, reason);
        ctx.publish(new ElectionEvent.FailoverFailed(
                ctx.cluster, leader.modRevision(), null, leader.member(), reason, List.of(), ctx.clock.instant()));
        return taken;
    }

    private void takeBack(String what, String former, String candidate, long epoch, List<Exclusion> excluded) {
        boolean taken = ctx.store.takeBackLeader(ctx.cluster, epoch, ctx.electionRevision());
        String reason = candidate + " did not run as primary within "
                + ctx.settings.promoteTimeout().toSeconds() + " s" + (taken ? "; its leader key was taken back" : "");
        LOG.warnf("%s: %s", what, reason);
        ctx.publish(new ElectionEvent.FailoverFailed(
                ctx.cluster, epoch, former, candidate, reason, excluded, ctx.clock.instant()));
    }

    /** The first snapshot in which {@code member} runs as primary under the leader key of {@code epoch}. */
    private Optional<ClusterSnapshot> awaitPrimary(String member, long epoch) {
        long deadline = ctx.nanos() + ctx.settings.promoteTimeout().toNanos();
        while (ctx.running() && ctx.nanos() - deadline < 0) {
            ClusterSnapshot now = ctx.store.read(ctx.cluster);
            if (now.revisionOf("coordinator") != ctx.electionRevision()) {
                ctx.lose("its election key is gone or belongs to another replica");
                return Optional.empty();
            }
            if (now.leader().isEmpty() || now.leader().get().modRevision() != epoch) {
                return Optional.empty(); // the key expired with the candidate's lease
            }
            Optional<MemberStatus> status =
                    now.member(member).map(MemberEntry::status).filter(Objects::nonNull);
            if (status.isPresent() && status.get().isRunningPrimary()) {
                return Optional.of(now);
            }
            if (!ctx.sleep(100, false)) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
