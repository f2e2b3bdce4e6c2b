package io.pgha.backup.decide;

import static io.pgha.backup.decide.Records.complete;
import static io.pgha.backup.decide.Records.failed;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.restore.RecoveryTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreValidationTest {
    private static final RestoreValidation.Destination FRESH = new RestoreValidation.Destination(false, false, false);
    private static final List<BackupRecord> RECORDS =
            List.of(complete("b1", 1, 1, 10), complete("b2", 2, 1, 20), failed("f3", 3));

    private static RestoreValidation.Request toNew(RecoveryTarget target, String backupId) {
        return new RestoreValidation.Request(target, backupId, "demo2", null);
    }

    @Test
    void aTimeTargetPicksTheNewestBackupConsistentBeforeIt() {
        RestoreValidation.Verdict v =
                RestoreValidation.check("demo", toNew(RecoveryTarget.atTime(Records.day(1.5)), null), RECORDS, FRESH);

        assertThat(v.accepted()).isTrue();
        assertThat(v.backup().orElseThrow().id()).isEqualTo("b1");
    }

    @Test
    void latestPicksTheNewestCompleteBackup() {
        RestoreValidation.Verdict v =
                RestoreValidation.check("demo", toNew(RecoveryTarget.latestTarget(), null), RECORDS, FRESH);

        assertThat(v.backup().orElseThrow().id()).isEqualTo("b2");
    }

    @Test
    void aTargetBeforeEveryBackupIsAConflict() {
        RestoreValidation.Verdict v =
                RestoreValidation.check("demo", toNew(RecoveryTarget.atTime(Records.day(0.5)), null), RECORDS, FRESH);

        assertThat(v.status()).isEqualTo(409);
        assertThat(v.problems().get(0)).contains("no complete backup");
    }

    @Test
    void badTargetsAndNamesAre400sNamingEveryProblem() {
        RecoveryTarget two = new RecoveryTarget("2026-12-01T10:00:00Z", "0/3000000", null, null, null, null, null);
        RestoreValidation.Verdict v = RestoreValidation.check(
                "demo", new RestoreValidation.Request(two, "../x", "bad/name", null), RECORDS, FRESH);

        assertThat(v.status()).isEqualTo(400);
        assertThat(String.join("; ", v.problems()))
                .contains("exactly one recovery target")
                .contains("new_cluster")
                .contains("backup_id");
    }

    @Test
    void aMissingTargetOrDestinationIs400() {
        RestoreValidation.Verdict v =
                RestoreValidation.check("demo", new RestoreValidation.Request(null, null, null, null), RECORDS, FRESH);

        assertThat(v.status()).isEqualTo(400);
        assertThat(v.problems()).hasSize(2);
    }

    @Test
    void restoringOverTheSourceOrAnExistingClusterIsRefused() {
        assertThat(RestoreValidation.check(
                                "demo",
                                new RestoreValidation.Request(RecoveryTarget.latestTarget(), null, "demo", null),
                                RECORDS,
                                FRESH)
                        .status())
                .isEqualTo(400);
        assertThat(RestoreValidation.check(
                                "demo",
                                toNew(RecoveryTarget.latestTarget(), null),
                                RECORDS,
                                new RestoreValidation.Destination(true, false, false))
                        .status())
                .isEqualTo(409);
        assertThat(RestoreValidation.check(
                                "demo",
                                toNew(RecoveryTarget.latestTarget(), null),
                                RECORDS,
                                new RestoreValidation.Destination(false, false, true))
                        .status())
                .isEqualTo(409);
    }

    @Test
    void aNamedBackupMustExistBeCompleteAndReachTheTarget() {
        assertThat(RestoreValidation.check("demo", toNew(RecoveryTarget.latestTarget(), "nope"), RECORDS, FRESH)
                        .status())
                .isEqualTo(404);
        assertThat(RestoreValidation.check("demo", toNew(RecoveryTarget.latestTarget(), "f3"), RECORDS, FRESH)
                        .status())
                .isEqualTo(409);
        assertThat(RestoreValidation.check("demo", toNew(RecoveryTarget.atTime(Records.day(1.5)), "b2"), RECORDS, FRESH)
                        .status())
                .isEqualTo(409);
        assertThat(RestoreValidation.check("demo", toNew(RecoveryTarget.latestTarget(), "b1"), RECORDS, FRESH)
                        .backup()
                        .orElseThrow()
                        .id())
                .isEqualTo("b1");
    }

    @Test
    void aReplicaDestinationIsNotBuiltYet() {
        RestoreValidation.Verdict v = RestoreValidation.check(
                "demo",
                new RestoreValidation.Request(RecoveryTarget.latestTarget(), null, null, "pg-1"),
                RECORDS,
                FRESH);

        assertThat(v.status()).isEqualTo(501);
        assertThat(v.problems().get(0)).contains("not built yet");
    }
}
