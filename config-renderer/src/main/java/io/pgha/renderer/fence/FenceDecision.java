package io.pgha.renderer.fence;

import io.pgha.core.Detach;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The asynchronous fast failover's fence, decided per cluster from two etcd keys read together (pure;
 * config-renderer's DESIGN.md, "Fencing"). A {@code /detach {"epoch": N, "leader": L}} fences L: this
 * renderer's HAProxy takes L out of the read-write backend through the runtime API and reports it. A
 * fence is lifted only when the leader key names that member again with no {@code /detach} applying to
 * it: the fast failover was abandoned (the leader key is still L's of revision N) or L was elected
 * again later. It is <em>not</em> lifted when {@code /detach} disappears together with the leader key
 * (the fast failover went through): L may still answer its health check until its own fencing deadline.
 */
public final class FenceDecision {
    private FenceDecision() {}

    /** The leader key: its member and mod revision (the epoch). */
    public record Leader(String member, long revision) {}

    /** One fence: the {@code /detach} it was done for (its epoch and etcd mod revision). */
    public record Fence(long epoch, long detachRevision) {}

    /**
     * What the renderer read of one cluster.
     *
     * @param detach the {@code /detach} key, null when absent (or unreadable)
     * @param detachRevision its mod revision (0 when absent)
     * @param leader the leader key, null when absent
     * @param fenced the members this renderer has fenced, with the {@code /detach} of each
     */
    public record Facts(Detach detach, long detachRevision, Leader leader, Map<String, Fence> fenced) {
        public Facts {
            fenced = Map.copyOf(fenced);
        }
    }

    /** What to do. */
    public sealed interface Action {
        /** Take {@code member} out of the read-write backend (every worker) and report it for this /detach. */
        record Fence(String member, long epoch, long detachRevision, String why) implements Action {}

        /** Put {@code member} back (its health check decides again); the report drops the fence. */
        record Lift(String member, long epoch, String why) implements Action {}
    }

    public static List<Action> decide(Facts f) {
        List<Action> actions = new ArrayList<>();
        Detach d = f.detach();
        if (d != null && !d.isLeaderless() && !namesOtherEpoch(f.leader(), d)) {
            Fence done = f.fenced().get(d.leader());
            if (done == null || !done.equals(new Fence(d.epoch(), f.detachRevision()))) {
                actions.add(new Action.Fence(
                        d.leader(),
                        d.epoch(),
                        f.detachRevision(),
                        "/detach names " + d.leader() + " for epoch " + d.epoch()
                                + (f.leader() == null ? " (no leader key)" : "")));
            }
        }
        for (Map.Entry<String, Fence> fence : new TreeMap<>(f.fenced()).entrySet()) {
            String member = fence.getKey();
            long epoch = fence.getValue().epoch();
            Leader leader = f.leader();
            if (leader == null || !leader.member().equals(member) || leader.revision() < epoch) {
                continue; // the fast failover went through (or is under way): L stays out
            }
            boolean detachApplies = d != null && d.appliesTo(leader.member(), leader.revision());
            if (!detachApplies) {
                actions.add(new Action.Lift(
                        member,
                        epoch,
                        leader.revision() == epoch
                                ? "the fast failover of epoch " + epoch + " was abandoned: " + member
                                        + " still holds the leader key"
                                : member + " holds the leader key again (epoch " + leader.revision() + ")"));
            }
        }
        return List.copyOf(actions);
    }

    /** The leader key names the detached member at another revision: a stale order, not fenced. */
    private static boolean namesOtherEpoch(Leader leader, Detach d) {
        return leader != null && leader.member().equals(d.leader()) && leader.revision() != d.epoch();
    }
}
