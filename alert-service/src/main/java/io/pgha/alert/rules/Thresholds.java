package io.pgha.alert.rules;

import io.pgha.events.AlertEvent.Severity;
import java.time.Duration;
import java.util.Map;

/**
 * The knobs of the rules. Every duration is "how long the condition must hold" unless it says
 * otherwise; {@link #defaults()} gives the shipped values.
 *
 * @param memberDownFor a member's probes must have failed this long before it is down
 * @param replicaNotStreamingFor a replica must be shown not streaming in the topology this long
 * @param syncStandbyMissingFor synchronous mode on and no synchronous standby streaming this long
 * @param lagBytesWarning replication lag in bytes that raises a warning
 * @param lagBytesCritical replication lag in bytes that raises a critical alert
 * @param lagSecondsWarning replay lag in seconds that raises a warning
 * @param lagSecondsCritical replay lag in seconds that raises a critical alert
 * @param noPrimaryFor how long the cluster may be without a reachable primary before it alerts
 * @param twoPrimariesHold how long a two-primaries alert stays firing after the last evidence
 * @param happenedHold how long the informational failover/switchover-happened alerts stay firing
 * @param archiveStalledAfter no archived segment for this long while a primary runs is a stall
 * @param backupOverdueAfter no complete base backup for this long is overdue
 * @param connectionsWarningRatio connections / max_connections that raises a warning (0.80)
 * @param connectionsCriticalRatio connections / max_connections that raises a critical alert (0.95)
 * @param healthMonitorSilentAfter no node-health event for this long: the health-monitor is silent
 * @param coordinatorSilentAfter no election or topology event for this long: the coordinator is silent
 * @param poolSaturation when a pool's waiting clients raise {@code PghaPoolSaturated}
 * @param severities severity overrides per alert (alerts with levels take the level's severity)
 * @param runbookBaseUrl prefix of every {@code runbook_url}; the alert's name and {@code .md} follow
 */
public record Thresholds(
        Duration memberDownFor,
        Duration replicaNotStreamingFor,
        Duration syncStandbyMissingFor,
        long lagBytesWarning,
        long lagBytesCritical,
        double lagSecondsWarning,
        double lagSecondsCritical,
        Duration noPrimaryFor,
        Duration twoPrimariesHold,
        Duration happenedHold,
        Duration archiveStalledAfter,
        Duration backupOverdueAfter,
        double connectionsWarningRatio,
        double connectionsCriticalRatio,
        Duration healthMonitorSilentAfter,
        Duration coordinatorSilentAfter,
        PoolSaturation poolSaturation,
        Map<AlertName, Severity> severities,
        String runbookBaseUrl) {

    public Thresholds {
        severities = severities == null ? Map.of() : Map.copyOf(severities);
        notNegative("member-down-for", memberDownFor);
        notNegative("replica-not-streaming-for", replicaNotStreamingFor);
        notNegative("sync-standby-missing-for", syncStandbyMissingFor);
        notNegative("no-primary-for", noPrimaryFor);
        notNegative("two-primaries-hold", twoPrimariesHold);
        notNegative("happened-hold", happenedHold);
        notNegative("archive-stalled-after", archiveStalledAfter);
        notNegative("backup-overdue-after", backupOverdueAfter);
        notNegative("health-monitor-silent-after", healthMonitorSilentAfter);
        notNegative("coordinator-silent-after", coordinatorSilentAfter);
        runbookBaseUrl = runbookBaseUrl == null ? "" : runbookBaseUrl;
        if (poolSaturation == null) {
            throw new IllegalArgumentException("pool-saturation is missing: give PoolSaturation.defaults() or values");
        }
        if (lagBytesWarning > lagBytesCritical) {
            throw new IllegalArgumentException("lag-bytes-warning (" + lagBytesWarning
                    + ") is above lag-bytes-critical (" + lagBytesCritical + "): set warning <= critical");
        }
        if (lagSecondsWarning > lagSecondsCritical) {
            throw new IllegalArgumentException("lag-seconds-warning (" + lagSecondsWarning
                    + ") is above lag-seconds-critical (" + lagSecondsCritical + "): set warning <= critical");
        }
        if (connectionsWarningRatio > connectionsCriticalRatio || connectionsCriticalRatio > 1.0) {
            throw new IllegalArgumentException("connections-warning-ratio (" + connectionsWarningRatio
                    + ") must be <= connections-critical-ratio (" + connectionsCriticalRatio + ") <= 1.0");
        }
    }

    /**
     * The knobs of {@code PghaPoolSaturated}. The defaults are the shipped Prometheus rule's
     * ({@code deploy/monitoring/prometheus/rules/pgha.pool.rules.yml}: {@code >= 5} warning, {@code >= 30}
     * critical, {@code for: 15s}); change both together.
     *
     * @param waitWarning the oldest waiting client of a pool has waited this long: warning (N, 5 s)
     * @param waitCritical ... this long: critical (30 s)
     * @param hold every reading of the pool must have shown the level reached for this long (15 s)
     * @param staleAfter a pool whose last reading is older than this no longer counts (90 s: three of
     *     config-renderer's 30 s heartbeats), so a pooler that stopped publishing resolves its alerts
     */
    public record PoolSaturation(Duration waitWarning, Duration waitCritical, Duration hold, Duration staleAfter) {
        public PoolSaturation {
            positive("pool-wait-warning", waitWarning);
            positive("pool-wait-critical", waitCritical);
            notNegative("pool-saturated-for", hold);
            positive("pool-stale-after", staleAfter);
            if (waitWarning.compareTo(waitCritical) > 0) {
                throw new IllegalArgumentException("pool-wait-warning (" + waitWarning
                        + ") is above pool-wait-critical (" + waitCritical + "): set warning <= critical");
            }
        }

        /** The shipped values, equal to the Prometheus rule's. */
        public static PoolSaturation defaults() {
            return new PoolSaturation(
                    Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(90));
        }

        private static void positive(String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " is " + d + ": give a duration above zero, e.g. PT5S");
            }
        }
    }

    private static void notNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " is " + d + ": give a duration of zero or more, e.g. PT30S");
        }
    }

    /** The shipped values. */
    public static Thresholds defaults() {
        return new Thresholds(
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                16L * 1024 * 1024,
                256L * 1024 * 1024,
                30,
                300,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofMinutes(15),
                Duration.ofMinutes(30),
                Duration.ofHours(26),
                0.80,
                0.95,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                PoolSaturation.defaults(),
                Map.of(),
                "docs/runbooks/");
    }

    /** These thresholds with {@code pool} as PghaPoolSaturated's knobs. */
    public Thresholds withPoolSaturation(PoolSaturation pool) {
        return new Thresholds(
                memberDownFor,
                replicaNotStreamingFor,
                syncStandbyMissingFor,
                lagBytesWarning,
                lagBytesCritical,
                lagSecondsWarning,
                lagSecondsCritical,
                noPrimaryFor,
                twoPrimariesHold,
                happenedHold,
                archiveStalledAfter,
                backupOverdueAfter,
                connectionsWarningRatio,
                connectionsCriticalRatio,
                healthMonitorSilentAfter,
                coordinatorSilentAfter,
                pool,
                severities,
                runbookBaseUrl);
    }

    /** The severity of an alert without levels. */
    public Severity severityOf(AlertName name) {
        return severities.getOrDefault(name, name.defaultSeverity());
    }

    /** {@code <runbookBaseUrl><name>.md}. */
    public String runbookUrl(AlertName name) {
        return runbookBaseUrl + name.name() + ".md";
    }
}
