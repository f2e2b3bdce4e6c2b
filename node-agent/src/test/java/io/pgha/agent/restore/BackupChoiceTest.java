package io.pgha.agent.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.Lsn;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.restore.RecoveryTarget;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupChoiceTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static BackupRecord backup(String id, BackupState state, int minutesAfterT0, long stopLsn) {
        BackupRecord running =
                BackupRecord.running(id, "src", "bs-1", "pg-1", T0.plusSeconds(60L * minutesAfterT0 - 30));
        return running.withContent(
                        1,
                        new Lsn(stopLsn - 0x100),
                        new Lsn(stopLsn),
                        "000000010000000000000002",
                        "000000010000000000000002",
                        T0.plusSeconds(60L * minutesAfterT0),
                        "7000000000000000001",
                        15,
                        "zstd",
                        false,
                        List.of(),
                        List.of())
                .withState(state, null, T0.plusSeconds(60L * minutesAfterT0 + 5));
    }

    private static final List<BackupRecord> CATALOG = List.of(
            backup("b1", BackupState.COMPLETE, 0, 0x2000000),
            backup("b2", BackupState.COMPLETE, 10, 0x5000000),
            backup("b3", BackupState.FAILED, 15, 0x6000000),
            backup("b4", BackupState.RUNNING, 18, 0x7000000),
            backup("b5", BackupState.COMPLETE, 20, 0x8000000));

    @Test
    void aTimeTargetTakesTheNewestCompleteBackupThatEndedBeforeIt() {
        assertThat(BackupChoice.choose(CATALOG, null, RecoveryTarget.atTime(T0.plusSeconds(60 * 16)))
                        .id())
                .isEqualTo("b2");
        assertThat(BackupChoice.choose(CATALOG, null, RecoveryTarget.atTime(T0.plusSeconds(60 * 30)))
                        .id())
                .isEqualTo("b5");
        // a backup that stopped exactly at the target cannot be recovered to it
        assertThat(BackupChoice.choose(CATALOG, null, RecoveryTarget.atTime(T0.plusSeconds(60 * 20)))
                        .id())
                .isEqualTo("b2");
        assertThatThrownBy(() -> BackupChoice.choose(CATALOG, null, RecoveryTarget.atTime(T0.minusSeconds(1))))
                .hasMessageContaining("no complete backup ended before the target");
    }

    @Test
    void anLsnTargetComparesWithTheStopLsnAndLatestTakesTheNewest() {
        assertThat(BackupChoice.choose(CATALOG, null, RecoveryTarget.atLsn(new Lsn(0x5800000)))
                        .id())
                .isEqualTo("b2");
        assertThat(BackupChoice.choose(CATALOG, null, RecoveryTarget.latestTarget())
                        .id())
                .isEqualTo("b5");
        assertThatThrownBy(() -> BackupChoice.choose(List.of(), null, RecoveryTarget.latestTarget()))
                .hasMessageContaining("take a backup");
    }

    @Test
    void aBackupAskedForByIdMustBeCompleteAndEndBeforeTheTarget() {
        assertThat(BackupChoice.choose(CATALOG, "b1", RecoveryTarget.atTime(T0.plusSeconds(60 * 30)))
                        .id())
                .isEqualTo("b1");
        assertThatThrownBy(() -> BackupChoice.choose(CATALOG, "b3", RecoveryTarget.latestTarget()))
                .hasMessageContaining("FAILED");
        assertThatThrownBy(() -> BackupChoice.choose(CATALOG, "b5", RecoveryTarget.atTime(T0.plusSeconds(60))))
                .hasMessageContaining("ended after the target");
        assertThatThrownBy(() -> BackupChoice.choose(CATALOG, "nope", RecoveryTarget.latestTarget()))
                .hasMessageContaining("no backup nope");
    }

    @Test
    void aReplicaStartsFromTheNewestCompleteBackupOfItsOwnClusterData() {
        assertThat(BackupChoice.forReplica(CATALOG, "7000000000000000001").map(BackupRecord::id))
                .contains("b5");
        assertThat(BackupChoice.forReplica(CATALOG, "").map(BackupRecord::id)).contains("b5");
        assertThat(BackupChoice.forReplica(CATALOG, "7999999999999999999")).isEmpty();
        assertThat(BackupChoice.forReplica(List.of(CATALOG.get(2), CATALOG.get(3)), null))
                .isEmpty();
    }
}
