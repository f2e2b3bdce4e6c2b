package io.pgha.coordinator.facts;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.AlertEvent;
import io.pgha.events.BackupEvent;
import io.pgha.events.Lsn;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Folding pgha.backup and pgha.alerts into what the status page shows. */
class OpsFactsTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static BackupEvent.BaseBackupCompleted completed(String id, Instant at) {
        return new BackupEvent.BaseBackupCompleted(
                "c", id, "pg-1", 1, Lsn.parse("0/2000000"), Lsn.parse("0/3000060"), 4_194_304, at.minusSeconds(5), at);
    }

    @Test
    void theNewestBackupDrillAndFailureWinWhateverTheOrder() {
        OpsFacts facts = OpsFacts.NONE
                .apply(completed("b2", T0.plusSeconds(60)))
                .apply(completed("b1", T0))
                .apply(new BackupEvent.BaseBackupFailed("c", "b3", "pg-2", "disk full", T0.plusSeconds(90)))
                .apply(new BackupEvent.RestoreDrillCompleted("c", "d1", "b2", T0, 12.5, 0.75, 10, T0.plusSeconds(120)))
                .apply(new BackupEvent.RestoreDrillFailed("c", "d0", "b1", "replay failed", T0.plusSeconds(30)));
        assertThat(facts.lastBackup().id()).isEqualTo("b2");
        assertThat(facts.lastBackup().stopLsn()).isEqualTo("0/3000060");
        assertThat(facts.lastBackupFailure().reason()).isEqualTo("disk full");
        assertThat(facts.lastDrill().ok()).isTrue();
        assertThat(facts.lastDrill().rtoSeconds()).isEqualTo(12.5);

        OpsFacts failed = facts.apply(
                new BackupEvent.RestoreDrillFailed("c", "d2", "b2", "no heartbeat rows", T0.plusSeconds(200)));
        assertThat(failed.lastDrill().ok()).isFalse();
        assertThat(failed.lastDrill().reason()).isEqualTo("no heartbeat rows");
    }

    @Test
    void alertsFireAndResolveByFingerprint() {
        AlertEvent.AlertFired lag = new AlertEvent.AlertFired(
                "c",
                "ReplicaLagging",
                "f1",
                "pg-1",
                AlertEvent.Severity.WARNING,
                "pg-1 lags",
                Map.of(),
                Map.of(),
                T0,
                T0);
        AlertEvent.AlertFired down = new AlertEvent.AlertFired(
                "c", "PrimaryDown", "f2", null, AlertEvent.Severity.CRITICAL, "no primary", Map.of(), Map.of(), T0, T0);
        OpsFacts facts = OpsFacts.NONE.apply(lag).apply(down);
        assertThat(facts.alerts()).containsOnlyKeys("f1", "f2");
        assertThat(facts.alerts().get("f2").severity()).isEqualTo("critical");

        OpsFacts resolved = facts.apply(
                new AlertEvent.AlertResolved("c", "ReplicaLagging", "f1", "pg-1", T0, T0.plusSeconds(9), T0));
        assertThat(resolved.alerts()).containsOnlyKeys("f2");
        assertThat(resolved.apply(new AlertEvent.AlertResolved("c", "X", "f9", null, T0, T0, T0)))
                .isSameAs(resolved);
    }
}
