package io.pgha.coordinator.run;

import io.pgha.coordinator.decide.QuorumPlanner;
import io.pgha.coordinator.decide.QuorumRule;
import io.pgha.coordinator.decide.SyncPlanner;
import io.pgha.core.DynamicConfig;
import io.pgha.core.MemberStatus;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Synchronous mode: carries out {@link SyncPlanner}'s steps on {@code /sync}, one per run; with {@code
 * synchronous_mode: quorum}, {@link QuorumPlanner}'s.
 */
final class SyncKeeper {
    private static final Logger LOG = Logger.getLogger(SyncKeeper.class);

    private final ClusterContext ctx;
    private SyncPlanner.Settle settle = SyncPlanner.Settle.NONE;

    SyncKeeper(ClusterContext ctx) {
        this.ctx = ctx;
    }

    /** One step towards the synchronous set the planner wants, while the leader runs as primary. */
    void keep(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync) {
        String leader = snapshot.leader().get().member();
        Optional<MemberStatus> primary =
                snapshot.leaderMember().map(MemberEntry::status).filter(Objects::nonNull);
        if (primary.isEmpty() || !primary.get().isRunningPrimary()) {
            return;
        }
        if (config.synchronousQuorum()) {
            keepQuorum(snapshot, config, sync, leader, primary.get());
            return;
        }
        boolean ours = sync.isPresent() && leader.equals(sync.get().leader());
        // a quorum record's voters do not each hold every commit: none of them is promotable in FIRST mode
        Set<String> promotable =
                ours && !sync.get().isQuorum() ? Set.copyOf(sync.get().members()) : Set.of();
        Set<String> target = ours ? Set.copyOf(sync.get().targetMembers()) : Set.of();
        Set<String> applied = SyncSet.namesIn(primary.get().syncStandbyNames());
        settle = SyncPlanner.settle(
                settle,
                applied.stream().sorted().toList() + "@" + leader,
                snapshot.revisionOf("members/" + leader),
                primary.get().bestLsn(),
                ctx.nanos(),
                ctx.settings.syncSettle().toNanos());
        List<SyncPlanner.Standby> standbys = standbys(snapshot, leader);
        Set<String> lagging = SyncPlanner.lagging(standbys, primary.get().bestLsn(), config.maximumLagOnSyncnode());
        SyncPlanner.Step step = SyncPlanner.next(
                new SyncPlanner.SyncState(target, promotable, applied, settle.appliedAtLsn()),
                standbys,
                config.synchronousNodeCount(),
                config.synchronousModeStrict(),
                lagging);
        if (step instanceof SyncPlanner.Step.Write write) {
            write(snapshot, SyncSet.of(leader, write.promotable(), write.target()), write.why(), lagging);
        } else if (step instanceof SyncPlanner.Step.Wait wait) {
            LOG.debugf("/sync of %s: %s", ctx.cluster, wait.why());
        }
    }

    /** Quorum commit: one step of {@link QuorumPlanner} (failover-coordinator's DESIGN.md, "Quorum commit"). */
    private void keepQuorum(
            ClusterSnapshot snapshot,
            DynamicConfig config,
            Optional<SyncSet> sync,
            String leader,
            MemberStatus primary) {
        QuorumRule.Recorded recorded = QuorumRule.recorded(sync, leader);
        QuorumRule.Applied target = target(sync, leader);
        SyncSet.AnyOf reported = SyncSet.AnyOf.parse(primary.syncStandbyNames());
        QuorumRule.Applied applied = new QuorumRule.Applied(reported.members(), reported.k());
        settle = SyncPlanner.settle(
                settle,
                "ANY " + applied.k() + " " + applied.members().stream().sorted().toList() + "@" + leader,
                snapshot.revisionOf("members/" + leader),
                primary.bestLsn(),
                ctx.nanos(),
                ctx.settings.syncSettle().toNanos());
        List<SyncPlanner.Standby> standbys = standbys(snapshot, leader);
        Set<String> lagging = SyncPlanner.lagging(standbys, primary.bestLsn(), config.maximumLagOnSyncnode());
        QuorumPlanner.Step step = QuorumPlanner.next(
                new QuorumPlanner.State(recorded, target, applied, settle.appliedAtLsn()),
                standbys,
                config.synchronousNodeCount(),
                lagging);
        if (step instanceof QuorumPlanner.Step.Write write) {
            SyncSet next = SyncSet.quorum(
                    leader,
                    write.recorded().voters(),
                    write.recorded().k(),
                    write.target().members(),
                    write.target().k());
            write(snapshot, next, write.why(), lagging);
        } else if (step instanceof QuorumPlanner.Step.Wait wait) {
            LOG.debugf("/sync of %s: %s", ctx.cluster, wait.why());
        }
    }

    /** Writes {@code next} over the {@code /sync} this run read, while this replica still leads. */
    private void write(ClusterSnapshot snapshot, SyncSet next, String why, Set<String> lagging) {
        String value = next.toJson();
        if (ctx.store.compareAndPut(ctx.cluster, "sync", value, snapshot.revisionOf("sync"), ctx.electionRevision())) {
            LOG.infof(
                    "/sync of %s: %s (%s)%s",
                    ctx.cluster,
                    value,
                    why,
                    lagging.isEmpty() ? "" : "; behind by more than maximum_lag_on_syncnode: " + lagging);
        }
    }

    /**
     * What {@code /sync} tells {@code leader} to apply: a quorum record's {@code ANY target_k (target)}; a
     * FIRST record's {@code FIRST n (P ∪ T)}, which is ANY n of the same; nothing without a key for it.
     */
    static QuorumRule.Applied target(Optional<SyncSet> sync, String leader) {
        if (sync.isEmpty() || !leader.equals(sync.get().leader())) {
            return new QuorumRule.Applied(Set.of(), 0);
        }
        SyncSet s = sync.get();
        Set<String> members = Set.copyOf(s.isQuorum() ? s.targetMembers() : s.applied());
        int k = s.isQuorum() ? s.targetK() : members.size();
        return new QuorumRule.Applied(members, Math.max(0, Math.min(k, members.size())));
    }

    /** Synchronous mode is off: {@code /sync} goes. */
    void delete(ClusterSnapshot snapshot) {
        ctx.store.compareAndDelete(ctx.cluster, "sync", snapshot.revisionOf("sync"), ctx.electionRevision());
    }

    /** Every member but {@code exclude} as synchronous mode sees it. */
    List<SyncPlanner.Standby> standbys(ClusterSnapshot snapshot, String exclude) {
        Instant now = ctx.clock.instant();
        List<SyncPlanner.Standby> standbys = new ArrayList<>();
        for (MemberEntry m : snapshot.members().values()) {
            if (m.name().equals(exclude) || m.status() == null) {
                continue;
            }
            MemberStatus s = m.status();
            boolean reachable = ctx.health
                    .of(ctx.cluster, m.name(), ctx.settings.healthViewMaxAge(), now)
                    .map(HealthView.Seen::reachable)
                    .orElse(true);
            boolean running = "running".equals(s.state());
            boolean streaming = s.isStreamingReplica();
            Map<String, Object> tags = s.tags() == null ? Map.of() : s.tags();
            standbys.add(new SyncPlanner.Standby(
                    m.name(),
                    running && reachable,
                    streaming,
                    MemberSnapshots.truthy(tags.get("nosync")),
                    s.receiveLsn()));
        }
        return standbys;
    }
}
