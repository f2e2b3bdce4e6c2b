package io.pgha.alert.engine;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of alert-service, under {@code pgha.alert}; checked at start by {@link AlertSettings#of}.
 * The thresholds map onto {@link io.pgha.alert.rules.Thresholds} (same names, same defaults).
 */
@ConfigMapping(prefix = "pgha.alert")
public interface AlertConfig {
    /** This replica's name: its consumer group is {@code pgha-alert-<name>}, so every replica reads everything. */
    @WithDefault("${HOSTNAME:local}")
    String name();

    /** How often every cluster is evaluated besides after each event (time-based rules). */
    @WithDefault("1s")
    Duration evaluateInterval();

    /** How often every firing alert is handed to the sink again ({@code AlertSink.stillFiring}). */
    @WithDefault("30s")
    Duration resendInterval();

    /** How far back the time-retention topics are read at start (pgha.topology is read whole). */
    @WithDefault("15m")
    Duration replayWindow();

    /** How far back pgha.alerts is read at start to learn which alerts were announced and not resolved. */
    @WithDefault("168h")
    Duration alertsReplayWindow();

    /** Prefix of every {@code runbook_url}; the alert's name and {@code .md} follow. */
    @WithDefault("docs/runbooks/")
    String runbookBaseUrl();

    /** A member's probes must have failed this long before it is down. */
    @WithDefault("2s")
    Duration memberDownFor();

    /** A replica must be shown not streaming in the topology this long. */
    @WithDefault("30s")
    Duration replicaNotStreamingFor();

    /** Synchronous mode on and no synchronous standby streaming this long raises PghaSyncStandbyMissing. */
    @WithDefault("10s")
    Duration syncStandbyMissingFor();

    /** Replication lag in bytes that raises a warning. */
    @WithDefault("16777216")
    long lagBytesWarning();

    /** Replication lag in bytes that raises a critical alert. */
    @WithDefault("268435456")
    long lagBytesCritical();

    /** Replay lag in seconds that raises a warning. */
    @WithDefault("30")
    double lagSecondsWarning();

    /** Replay lag in seconds that raises a critical alert. */
    @WithDefault("300")
    double lagSecondsCritical();

    /** How long a cluster may be without a reachable primary before it alerts. */
    @WithDefault("30s")
    Duration noPrimaryFor();

    /** How long a two-primaries alert stays firing after the last evidence. */
    @WithDefault("5m")
    Duration twoPrimariesHold();

    /** How long the informational failover/switchover-happened alerts stay firing. */
    @WithDefault("15m")
    Duration happenedHold();

    /** No archived WAL segment for this long while a primary runs is a stall. */
    @WithDefault("30m")
    Duration archiveStalledAfter();

    /** No complete base backup for this long is overdue. */
    @WithDefault("26h")
    Duration backupOverdueAfter();

    /** connections / max_connections that raises a warning. */
    @WithDefault("0.80")
    double connectionsWarningRatio();

    /** connections / max_connections that raises a critical alert. */
    @WithDefault("0.95")
    double connectionsCriticalRatio();

    /**
     * PghaPoolSaturated: the oldest waiting client of a pool has waited this long: warning. Keep it
     * equal to the shipped Prometheus rule's ({@code pgha.pool.rules.yml}).
     */
    @WithDefault("5s")
    Duration poolWaitWarning();

    /** PghaPoolSaturated: ... this long: critical. */
    @WithDefault("30s")
    Duration poolWaitCritical();

    /** PghaPoolSaturated: every reading must have shown the level for this long (the Prometheus rule's {@code for}). */
    @WithDefault("15s")
    Duration poolSaturatedFor();

    /** A pool reading older than this no longer counts (its pooler stopped publishing). */
    @WithDefault("90s")
    Duration poolStaleAfter();

    /** No node-health event for this long: the health-monitor is silent. */
    @WithDefault("30s")
    Duration healthMonitorSilentAfter();

    /** No election or topology event for this long: the coordinator is silent. */
    @WithDefault("60s")
    Duration coordinatorSilentAfter();

    /**
     * Severity overrides per alert name, e.g. {@code pgha.alert.severity.PghaMemberDown=warning}
     * (critical, warning or info; alerts with levels take the level's severity).
     */
    Map<String, String> severity();
}
