package io.pgha.backup.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupDueTest {
    private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
    private static final BackupDue.Schedule DAILY =
            new BackupDue.Schedule(Duration.ofDays(1), true, Duration.ofMinutes(1));

    @Test
    void theFirstBackupIsDueAtOnceWhenConfigured() {
        BackupDue.Facts facts = new BackupDue.Facts(false, Optional.empty(), Optional.empty(), T);
        assertThat(BackupDue.due(facts, DAILY, T)).isTrue();
        BackupDue.Schedule later = new BackupDue.Schedule(Duration.ofDays(1), false, Duration.ofMinutes(1));
        assertThat(BackupDue.due(facts, later, T.plusSeconds(60))).isFalse();
        assertThat(BackupDue.next(facts, later, T)).isEqualTo(T.plus(Duration.ofDays(1)));
    }

    @Test
    void dueAnIntervalAfterTheNewestCompleteBackupStarted() {
        BackupDue.Facts facts = new BackupDue.Facts(false, Optional.of(T), Optional.empty(), T);
        assertThat(BackupDue.due(facts, DAILY, T.plus(Duration.ofHours(23)))).isFalse();
        assertThat(BackupDue.due(facts, DAILY, T.plus(Duration.ofHours(24)))).isTrue();
    }

    @Test
    void neverWhileOneRuns() {
        BackupDue.Facts facts = new BackupDue.Facts(true, Optional.empty(), Optional.empty(), T);
        assertThat(BackupDue.due(facts, DAILY, T.plus(Duration.ofDays(3)))).isFalse();
    }

    @Test
    void aFailedAttemptWaitsTheRetryDelay() {
        BackupDue.Facts facts = new BackupDue.Facts(false, Optional.empty(), Optional.of(T.plusSeconds(10)), T);
        assertThat(BackupDue.due(facts, DAILY, T.plusSeconds(30))).isFalse();
        assertThat(BackupDue.due(facts, DAILY, T.plusSeconds(70))).isTrue();
    }
}
