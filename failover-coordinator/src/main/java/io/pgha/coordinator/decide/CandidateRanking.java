package io.pgha.coordinator.decide;

import io.pgha.events.Lsn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Who may become primary, best first: a pure function over fresh member snapshots. Every member
 * that is not eligible is listed with the first rule it fails, in words an operator can act on.
 *
 * <p>Order among the eligible: the highest {@code max(receive, replay)} LSN first (least data lost),
 * then the highest {@code failover_priority}, then the name (so the choice is deterministic).
 */
public final class CandidateRanking {
    /** Most advanced WAL position first, then priority, then name. */
    public static final Comparator<MemberSnapshot> BEST_FIRST = Comparator.comparing(
                    (MemberSnapshot m) -> Optional.ofNullable(m.walPosition()).orElse(Lsn.ZERO),
                    Comparator.reverseOrder())
            .thenComparing(MemberSnapshot::failoverPriority, Comparator.reverseOrder())
            .thenComparing(MemberSnapshot::name);

    private CandidateRanking() {}

    /** Ranks {@code members} (the former leader excluded by the caller) under {@code policy}. */
    public static Ranking rank(List<MemberSnapshot> members, FailoverPolicy policy) {
        List<MemberSnapshot> eligible = new ArrayList<>();
        List<Ranking.Excluded> excluded = new ArrayList<>();
        for (MemberSnapshot member : members) {
            Optional<Ranking.Excluded> exclusion = check(member, policy);
            if (exclusion.isPresent()) {
                excluded.add(exclusion.get());
            } else {
                eligible.add(member);
            }
        }
        eligible.sort(policy.coldStart() ? ColdStart.bestFirst(policy.lastLeader()) : BEST_FIRST);
        excluded.sort(Comparator.comparing(Ranking.Excluded::member));
        return new Ranking(eligible, excluded);
    }

    /** The first rule {@code member} fails under {@code policy}, if any. */
    public static Optional<Ranking.Excluded> check(MemberSnapshot member, FailoverPolicy policy) {
        String name = member.name();
        if (!member.agentAnswered()) {
            return exclude(
                    name,
                    ExclusionReason.AGENT_UNREACHABLE,
                    "its agent did not answer /patroni in time" + suffix(member.agentError()));
        }
        if (member.nofailover()) {
            return exclude(name, ExclusionReason.NOFAILOVER, "it is tagged nofailover");
        }
        if (member.failoverPriority() <= 0) {
            return exclude(
                    name,
                    ExclusionReason.FAILOVER_PRIORITY,
                    "its failover_priority is " + member.failoverPriority() + " (0 or less: never promoted)");
        }
        if (!member.running()) {
            return exclude(
                    name, ExclusionReason.NOT_RUNNING, "PostgreSQL is not running (state " + member.state() + ")");
        }
        if (policy.coldStart() && !"replica".equals(member.role())) {
            return exclude(
                    name,
                    ExclusionReason.NOT_A_STANDBY,
                    "it runs as " + member.role() + ", not as a standby waiting for a leader");
        }
        if (!member.streaming() && !policy.coldStart()) {
            return exclude(name, ExclusionReason.NOT_STREAMING, "it was not streaming from the last leader");
        }
        if (member.monitorReachable().isPresent() && !member.monitorReachable().get()) {
            return exclude(
                    name,
                    ExclusionReason.MONITOR_UNREACHABLE,
                    "the health monitor cannot reach it" + suffix(member.monitorError()));
        }
        if (policy.synchronousMode() && !policy.synchronousCandidates().contains(name)) {
            return exclude(
                    name,
                    ExclusionReason.NOT_SYNCHRONOUS,
                    "synchronous mode is on and it is not in the synchronous set "
                            + policy.syncSet().stream().sorted().toList()
                            + (policy.coldStart() && policy.lastLeader() != null
                                    ? " nor the last leader " + policy.lastLeader()
                                    : ""));
        }
        if (policy.minimumTimeline() > 0 && member.timeline() < policy.minimumTimeline()) {
            return exclude(
                    name,
                    ExclusionReason.TIMELINE,
                    (member.timeline() <= 0
                                    ? "its timeline is unknown, so it cannot be compared with"
                                    : "it is on timeline " + member.timeline() + ", older than")
                            + " the last leader's timeline " + policy.minimumTimeline() + " (check_timeline is on)");
        }
        if (policy.failsafeMembers() != null && !policy.failsafeMembers().contains(name)) {
            return exclude(
                    name,
                    ExclusionReason.NOT_IN_FAILSAFE,
                    "failsafe_mode is on and it is not in /failsafe "
                            + policy.failsafeMembers().stream().sorted().toList());
        }
        if (!policy.ignoreLag() && policy.lastLeaderLsn() != null) {
            Lsn position = member.walPosition();
            if (position == null) {
                return exclude(name, ExclusionReason.LAG, "its WAL position is unknown, so its lag cannot be checked");
            }
            long lag = Math.max(0, policy.lastLeaderLsn().minus(position));
            if (lag > policy.maximumLagOnFailover()) {
                return exclude(
                        name,
                        ExclusionReason.LAG,
                        "it is " + lag + " bytes behind the last leader position " + policy.lastLeaderLsn()
                                + ", more than maximum_lag_on_failover (" + policy.maximumLagOnFailover()
                                + " bytes)");
            }
        }
        return Optional.empty();
    }

    private static Optional<Ranking.Excluded> exclude(String member, ExclusionReason reason, String detail) {
        return Optional.of(new Ranking.Excluded(member, reason, detail));
    }

    private static String suffix(String error) {
        return error == null || error.isBlank() ? "" : " (" + error + ")";
    }
}
