package io.pgha.monitor.decide;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules the monitor's timings must follow, checked at start: a probe must give up before the
 * next one is due, heartbeats cannot come more often than probes, back-off cannot be shorter than
 * the interval. Pure.
 */
public final class TimingRules {
    private static final String P = "pgha.health-monitor.";

    private TimingRules() {}

    /** What is wrong, one line per rule broken, naming the properties; empty when all is well. */
    public static List<String> problems(
            Duration probeInterval,
            Duration connectTimeout,
            Duration statementTimeout,
            Duration heartbeatInterval,
            Duration authBackoffInitial,
            Duration authBackoffMax) {
        List<String> problems = new ArrayList<>();
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            problems.add(P + "probe-interval must be positive (it is " + probeInterval + ")");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            problems.add(P + "connect-timeout must be positive (it is " + connectTimeout + ")");
        }
        if (statementTimeout.isNegative() || statementTimeout.isZero()) {
            problems.add(P + "statement-timeout must be positive (it is " + statementTimeout + ")");
        }
        if (connectTimeout.plus(statementTimeout).compareTo(probeInterval) >= 0) {
            problems.add(P + "connect-timeout + " + P + "statement-timeout (" + connectTimeout + " + "
                    + statementTimeout + ") must be below " + P + "probe-interval (" + probeInterval
                    + "): a probe must give up before the next one is due");
        }
        if (heartbeatInterval.compareTo(probeInterval) < 0) {
            problems.add(P + "heartbeat-interval (" + heartbeatInterval + ") must be at least " + P + "probe-interval ("
                    + probeInterval + ")");
        }
        if (authBackoffInitial.compareTo(probeInterval) < 0) {
            problems.add(P + "auth-backoff-initial (" + authBackoffInitial + ") must be at least " + P
                    + "probe-interval (" + probeInterval + ")");
        }
        if (authBackoffMax.compareTo(authBackoffInitial) < 0) {
            problems.add(P + "auth-backoff-max (" + authBackoffMax + ") must be at least " + P
                    + "auth-backoff-initial (" + authBackoffInitial + ")");
        }
        return problems;
    }

    /** What is wrong with {@code departed-member-retention}; empty when it is valid. */
    public static List<String> retentionProblems(Duration departedMemberRetention) {
        if (departedMemberRetention.isNegative()) {
            return List.of(P + "departed-member-retention must not be negative (it is " + departedMemberRetention
                    + "): it is how long a member that left the topology is still exported as unreachable");
        }
        return List.of();
    }
}
