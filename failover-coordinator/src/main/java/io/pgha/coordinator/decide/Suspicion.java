package io.pgha.coordinator.decide;

import java.time.Duration;
import java.util.Set;

/**
 * When to try the fast failover (issue 17): the triggers, which decide availability only — the safety
 * condition is {@link FastFailoverGate}'s. Pure. Two independent observers must agree that the
 * leader's node is gone: the health-monitor's latest SQL probe of its PostgreSQL failed, and its agent
 * does not answer the coordinator's {@code GET /patroni}. The agent is asked only once the monitor
 * says so, so an idle cluster costs nothing more than today. Not triggered: a primary cut from etcd
 * only, or a frozen agent beside a live postmaster (the monitor reaches PostgreSQL); a crashed
 * postmaster beside a live agent (the agent answers and restarts or releases on its own).
 */
public final class Suspicion {
    /** How old the monitor's observation may be to count (it probes every second). */
    public static final Duration MONITOR_MAX_AGE = Duration.ofSeconds(3);

    private Suspicion() {}

    /** What to do now. */
    public enum Verdict {
        /** Nothing points at a loss of the leader's node. */
        QUIET,
        /** The monitor cannot reach the leader's PostgreSQL: ask its agent. */
        ASK_AGENT,
        /** Both observers agree; once that holds for {@code suspect-after}, try the fast failover. */
        AGREED
    }

    /** The verdict and why, for the log. */
    public record Result(Verdict verdict, String why) {}

    /**
     * What the leading coordinator knows of the leader.
     *
     * @param leader the member the leader key names
     * @param promotable the synchronous set P of {@code /sync} for that leader (empty: none)
     * @param monitorUnreachable the health-monitor's latest observation, younger than {@link
     *     #MONITOR_MAX_AGE}, says its PostgreSQL is unreachable
     * @param agentAnswered whether the leader's agent answered {@code GET /patroni} just now; null when
     *     not asked
     */
    public record Facts(String leader, Set<String> promotable, boolean monitorUnreachable, Boolean agentAnswered) {}

    public static Result decide(Facts f) {
        if (f.promotable().stream().noneMatch(m -> !m.equals(f.leader()))) {
            return new Result(Verdict.QUIET, "no synchronous standby may be promoted: the lease path decides");
        }
        if (!f.monitorUnreachable()) {
            return new Result(
                    Verdict.QUIET, "the health monitor reaches " + f.leader() + "'s PostgreSQL (or saw it lately)");
        }
        if (f.agentAnswered() == null) {
            return new Result(Verdict.ASK_AGENT, "the health monitor cannot reach " + f.leader() + "'s PostgreSQL");
        }
        if (f.agentAnswered()) {
            return new Result(
                    Verdict.QUIET,
                    f.leader() + "'s agent answers: it restarts or releases its own PostgreSQL (lease path)");
        }
        return new Result(
                Verdict.AGREED,
                "the health monitor cannot reach " + f.leader() + "'s PostgreSQL and its agent does not answer");
    }

    /** Whether the observers have agreed long enough ({@code agreedSinceNanos} 0: not agreed). */
    public static boolean ripe(long agreedSinceNanos, long nowNanos, Duration suspectAfter) {
        return agreedSinceNanos != 0 && nowNanos - agreedSinceNanos >= suspectAfter.toNanos();
    }

    /** How long until the agreement is ripe (zero when it is, or when there is none). */
    public static Duration leftUntilRipe(long agreedSinceNanos, long nowNanos, Duration suspectAfter) {
        if (agreedSinceNanos == 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, suspectAfter.toNanos() - (nowNanos - agreedSinceNanos)));
    }
}
