package io.pgha.alert.rules;

import io.pgha.events.AlertEvent.Severity;

/**
 * Every alert the rules can raise, with its default severity. The runbook of each is
 * {@code docs/runbooks/<name>.md}.
 */
public enum AlertName {
    PghaMemberDown(Severity.CRITICAL),
    PghaReplicaNotStreaming(Severity.WARNING),
    PghaSyncStandbyMissing(Severity.CRITICAL),
    /** Severity comes from the level crossed (warning or critical). */
    PghaReplicationLagBytes(Severity.WARNING),
    /** Severity comes from the level crossed (warning or critical). */
    PghaReplicationLagSeconds(Severity.WARNING),
    PghaNoPrimary(Severity.CRITICAL),
    PghaTwoPrimaries(Severity.CRITICAL),
    PghaFailoverHappened(Severity.INFO),
    PghaSwitchoverHappened(Severity.INFO),
    PghaFailoverFailed(Severity.CRITICAL),
    PghaWalArchiveFailing(Severity.CRITICAL),
    PghaWalArchiveStalled(Severity.WARNING),
    PghaBaseBackupFailed(Severity.WARNING),
    PghaBaseBackupOverdue(Severity.WARNING),
    PghaRestoreDrillFailed(Severity.WARNING),
    /** Severity comes from the level crossed (warning or critical). */
    PghaConnectionsHigh(Severity.WARNING),
    /** Severity comes from the level crossed (warning or critical). */
    PghaPoolSaturated(Severity.WARNING),
    PghaHealthMonitorSilent(Severity.CRITICAL),
    PghaCoordinatorSilent(Severity.CRITICAL);

    private final Severity defaultSeverity;

    AlertName(Severity defaultSeverity) {
        this.defaultSeverity = defaultSeverity;
    }

    /** The severity used when {@link Thresholds#severities()} does not override it. */
    public Severity defaultSeverity() {
        return defaultSeverity;
    }
}
