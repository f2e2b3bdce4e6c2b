package io.pgha.coordinator.decide;

import io.pgha.coordinator.decide.FastFailoverGate.Report;
import io.pgha.coordinator.decide.FastFailoverGate.Result;
import io.pgha.coordinator.decide.FastFailoverGate.Verdict;
import io.pgha.core.Detach;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.RouterReport;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The safety condition of the asynchronous fast failover (failover-coordinator's DESIGN.md, "Fast
 * failover", asynchronous mode; S2 only). The old leader L acknowledges commits alone, so what makes it
 * harmless is that no client reaches it through pgha's routers: every router, the ones the deployment
 * declares ({@code pgha.coordinator.fast-failover-routers}: a renderer that died leaves no key, while
 * its HAProxy may still run) and every live key under {@code /routers/}, reports {@code "fenced"} for
 * this very {@code /detach} (its epoch, L, and the {@code /detach} key's mod revision). And a standby
 * reports detached for epoch N in a member key written after {@code /detach}, so the candidate's
 * position is final when the ranking compares it. Which standby: the most advanced of those that
 * detached, so the gate waits, once the routers are fenced, until every standby with a member key has
 * reported, or {@link #settle} has passed since the order (a standby whose agent does not answer must not
 * hold the failover up, and choosing among fewer standbys can only lose more of what L acknowledged
 * alone, never make two primaries). Pure.
 */
public final class RouterFenceGate {
    private RouterFenceGate() {}

    /**
     * @param order the {@code /detach} key that applies to the current leader key
     * @param detachRevision its mod revision
     * @param declared the routers the deployment declares (never empty here: without them the
     *     asynchronous fast failover is not tried)
     * @param routers every key under {@code /routers/} (a report that cannot be read: empty)
     * @param members every member key
     * @param waited how long this coordinator has waited since it wrote (or found) the order
     * @param timeout fast-failover-timeout
     */
    public static Result decide(
            Detach order,
            long detachRevision,
            Set<String> declared,
            Map<String, Optional<RouterReport>> routers,
            Map<String, Report> members,
            Duration waited,
            Duration timeout) {
        Set<String> unfenced = new TreeSet<>();
        Set<String> all = new TreeSet<>(declared);
        all.addAll(routers.keySet());
        for (String router : all) {
            Optional<RouterReport> report = routers.getOrDefault(router, Optional.empty());
            if (report.filter(r -> r.hasFenced(order.leader(), order.epoch(), detachRevision))
                    .isEmpty()) {
                unfenced.add(router);
            }
        }
        Set<String> detached = new TreeSet<>();
        members.forEach((m, r) -> {
            if (m.equals(order.leader()) || r == null || r.status() == null) {
                return;
            }
            MemberStatus.Detached d = r.status().detached();
            if (d != null && d.epoch() == order.epoch() && r.modRevision() > detachRevision) {
                detached.add(m);
            }
        });
        if (all.isEmpty()) {
            unfenced.add("(no router declared)"); // never opens: nothing proves L unreachable
        }
        String what = order.leader() + " (epoch " + order.epoch() + ")";
        Set<String> silent = new TreeSet<>(members.keySet());
        silent.remove(order.leader());
        silent.removeAll(detached);
        if (unfenced.isEmpty() && !detached.isEmpty() && (silent.isEmpty() || waited.compareTo(settle(timeout)) >= 0)) {
            return new Result(
                    Verdict.OPEN,
                    Set.copyOf(detached),
                    "every router " + all + " fenced " + what + " and " + detached + " detached from it"
                            + (silent.isEmpty()
                                    ? ""
                                    : " (" + silent + " did not report within "
                                            + settle(timeout).toMillis() + " ms)"));
        }
        if (unfenced.isEmpty() && !detached.isEmpty()) {
            return new Result(
                    Verdict.WAIT,
                    Set.of(),
                    "every router " + all + " fenced " + what + " and " + detached + " detached; waiting for " + silent
                            + " to report its position");
        }
        String missing = (unfenced.isEmpty() ? "" : "routers " + unfenced + " have not fenced " + what)
                + (unfenced.isEmpty() || !detached.isEmpty() ? "" : "; ")
                + (detached.isEmpty() ? "no standby reported detached from " + what : "");
        if (waited.compareTo(timeout) >= 0) {
            return new Result(Verdict.ABANDON, Set.of(), missing + " within " + timeout.toMillis() + " ms");
        }
        return new Result(Verdict.WAIT, Set.of(), missing + " yet");
    }

    /**
     * How long, from the order, the gate waits for standbys that have not reported detached once the
     * routers are fenced and one standby has: a quarter of fast-failover-timeout (500 ms at the default
     * 2 s). Standbys answer within milliseconds when their agents run.
     */
    static Duration settle(Duration timeout) {
        return timeout.dividedBy(4);
    }
}
