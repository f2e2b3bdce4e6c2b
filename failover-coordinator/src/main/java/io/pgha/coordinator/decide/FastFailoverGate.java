package io.pgha.coordinator.decide;

import io.pgha.core.Detach;
import io.pgha.core.MemberStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The safety condition of the fast failover (failover-coordinator's DESIGN.md, "Fast failover"): the old
 * leader L of epoch N can acknowledge no further commit once one member of the synchronous set P has
 * stopped receiving from it for good. That is proven by a trusted detached report: the member key says
 * {@code "detached": {"epoch": N}} and was written after the {@code /detach} key (its mod revision is
 * higher), so the agent acted on this very order. Pure.
 */
public final class FastFailoverGate {
    private FastFailoverGate() {}

    /** What to do now. */
    public enum Verdict {
        /** At least one member of P is detached: delete the leader key, revoke L's lease, promote. */
        OPEN,
        /** Not yet; wait (the agents act on the watch of {@code /detach}). */
        WAIT,
        /** Not within fast-failover-timeout: delete {@code /detach}; the lease path decides. */
        ABANDON
    }

    /**
     * The verdict, the detached members of P (the only ones the promotion may choose) and why.
     */
    public record Result(Verdict verdict, Set<String> detached, String why) {}

    /** A member key as read: its status (null when unreadable) and its mod revision. */
    public record Report(MemberStatus status, long modRevision) {}

    /**
     * @param order the {@code /detach} key that applies to the current leader key
     * @param detachRevision its mod revision
     * @param promotable P, from {@code /sync} for the leader {@code order.leader()}
     * @param members every member key
     * @param waited how long this coordinator has waited since it wrote (or found) the order
     * @param timeout fast-failover-timeout
     */
    public static Result decide(
            Detach order,
            long detachRevision,
            Set<String> promotable,
            Map<String, Report> members,
            Duration waited,
            Duration timeout) {
        Set<String> detached = new TreeSet<>();
        for (String m : promotable) {
            Report r = members.get(m);
            if (m.equals(order.leader()) || r == null || r.status() == null) {
                continue;
            }
            MemberStatus.Detached d = r.status().detached();
            if (d != null && d.epoch() == order.epoch() && r.modRevision() > detachRevision) {
                detached.add(m);
            }
        }
        if (!detached.isEmpty()) {
            return new Result(
                    Verdict.OPEN,
                    Set.copyOf(detached),
                    "detached from " + order.leader() + " for epoch " + order.epoch() + ": " + detached
                            + " of the synchronous set " + new TreeSet<>(promotable));
        }
        String none = "no member of the synchronous set " + new TreeSet<>(promotable) + " reported detached from "
                + order.leader() + " for epoch " + order.epoch();
        if (waited.compareTo(timeout) >= 0) {
            return new Result(Verdict.ABANDON, Set.of(), none + " within " + timeout.toMillis() + " ms");
        }
        return new Result(Verdict.WAIT, Set.of(), none + " yet");
    }
}
