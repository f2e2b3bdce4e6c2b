package io.pgha.coordinator.run;

import io.pgha.coordinator.decide.FastFailoverGate;
import io.pgha.coordinator.decide.QuorumRule;
import io.pgha.coordinator.etcd.CoordinatorStore;
import io.pgha.core.Detach;
import io.pgha.core.DynamicConfig;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Quorum commit's failover (failover-coordinator's DESIGN.md, "Quorum commit"): with no leader key,
 * write the leaderless {@code /detach} order (create-only, guarded by the election key and the leader
 * key's absence), wait up to fast-failover-timeout for the voters' detached reports written after it,
 * and promote only {@link QuorumRule#winner} once at least n - k_r + 1 voters reported. Fewer: no
 * promotion; the reason goes to the status API ({@code last_failover}) and the next run reads again. The
 * order stays until a leader key is written (it is then stale and deleted), so the standbys never follow
 * the lost primary again meanwhile.
 */
final class QuorumFailover {
    private static final Logger LOG = Logger.getLogger(QuorumFailover.class);

    private final ClusterContext ctx;
    private final Promotion promotion;
    private final StatusWriter status;
    private final LeaderMemory memory;

    QuorumFailover(ClusterContext ctx, Promotion promotion, StatusWriter status, LeaderMemory memory) {
        this.ctx = ctx;
        this.promotion = promotion;
        this.status = status;
        this.memory = memory;
    }

    /** One attempt: the order (written when absent), the readings, the promotion or the reason why not. */
    void failover(ClusterSnapshot snapshot, DynamicConfig config, Optional<SyncSet> sync) {
        Optional<Detach> order = snapshot.currentDetach();
        if (order.isEmpty()) {
            order = writeOrder(snapshot, sync);
            if (order.isEmpty()) {
                return;
            }
        }
        awaitReadings(config, order.get());
    }

    /** Writes the leaderless order for the leader {@code /sync} names; empty when it cannot be written. */
    private Optional<Detach> writeOrder(ClusterSnapshot snapshot, Optional<SyncSet> sync) {
        String lost = sync.map(SyncSet::leader).orElse(memory.lastLeader);
        if (lost == null) {
            status.report(
                    Promotion.Kind.QUORUM_FAILOVER.what,
                    null,
                    "no promotion: no /sync names the last leader, so no member is known to hold every"
                            + " acknowledged commit",
                    List.of(),
                    "failed");
            return Optional.empty();
        }
        long epoch = memory.lastEpoch > 0 ? memory.lastEpoch : snapshot.revision();
        Detach order = Detach.whileLeaderless(epoch, lost);
        if (!ctx.store.writeDetach(ctx.cluster, order.toJson(), 0, ctx.electionRevision())) {
            LOG.warnf(
                    "%s: leaderless /detach not written (a leader key or a /detach appeared, or this replica lost"
                            + " the cluster); deciding again",
                    ctx.cluster);
            return Optional.empty();
        }
        LOG.warnf(
                "%s: quorum failover: the leader key of %s is gone; /detach written (epoch %d): the standbys stop"
                        + " following it and report their positions",
                ctx.cluster, lost, epoch);
        return Optional.of(order);
    }

    /**
     * Reads the detached reports until the quorum rule names a winner (then promotes) or
     * fast-failover-timeout passes (then the last reason is reported and the run ends).
     */
    private void awaitReadings(DynamicConfig config, Detach order) {
        long started = ctx.nanos();
        while (ctx.running()) {
            ClusterSnapshot now = ctx.store.read(ctx.cluster);
            if (now.revisionOf(CoordinatorStore.ELECTION_KEY) != ctx.electionRevision()) {
                ctx.lose("its election key is gone or belongs to another replica");
                return;
            }
            if (now.currentDetach().filter(order::equals).isEmpty()
                    || now.leader().isPresent()) {
                return; // a leader key or another order meanwhile: decide again
            }
            Optional<SyncSet> sync = Keys.sync(ctx.cluster, now);
            QuorumRule.Recorded recorded = QuorumRule.recorded(sync, order.leader());
            List<QuorumRule.Reading> readings = QuorumRule.readings(order, now.revisionOf("detach"), reports(now));
            QuorumRule.Verdict verdict = QuorumRule.winner(recorded, readings, Map.of());
            boolean late =
                    ctx.nanos() - started >= ctx.settings.fastFailoverTimeout().toNanos();
            if (verdict instanceof QuorumRule.Verdict.Promote || late) {
                LOG.infof(
                        "%s: quorum failover: voters %s (ANY %d) of %s's /sync, read %s: %s",
                        ctx.cluster,
                        new java.util.TreeSet<>(recorded.voters()),
                        recorded.k(),
                        order.leader(),
                        readings,
                        verdict);
                // the ranking (agents asked afresh) may exclude the most advanced voter; Promotion reports why
                promotion.promote(now, config, sync, Promotion.Request.quorum(recorded, readings));
                return;
            }
            if (!ctx.sleep(50, false)) {
                return;
            }
        }
    }

    private static Map<String, FastFailoverGate.Report> reports(ClusterSnapshot s) {
        Map<String, FastFailoverGate.Report> reports = new HashMap<>();
        s.members()
                .forEach((name, entry) -> reports.put(
                        name, new FastFailoverGate.Report(entry.status(), s.revisionOf("members/" + name))));
        return reports;
    }
}
