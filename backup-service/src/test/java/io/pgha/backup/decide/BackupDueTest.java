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

    @Test
    void aCronScheduleMakesTheNextBackupDueAtTheFirstTimeItNamesAfterTheNewestOne() {
        BackupDue.Schedule nightly = new BackupDue.Schedule(
                Duration.ofDays(1),
                java.util.Optional.of(CronSchedule.parse("0 0 2 * * ?", "pgha.backup.schedule")),
                false,
                Duration.ofMinutes(1));
        BackupDue.Facts tookOneAt0130 = new BackupDue.Facts(
                false, java.util.Optional.of(Instant.parse("2026-12-01T01:30:00Z")), java.util.Optional.empty(), T);

        assertThat(BackupDue.next(tookOneAt0130, nightly, Instant.parse("2026-12-01T01:31:00Z")))
                .isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
        assertThat(BackupDue.due(tookOneAt0130, nightly, Instant.parse("2026-12-01T01:59:59Z")))
                .isFalse();
        assertThat(BackupDue.due(tookOneAt0130, nightly, Instant.parse("2026-12-01T02:00:00Z")))
                .isTrue();
    }

    @Test
    void aBadCronExpressionNamesTheProperty() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> CronSchedule.parse("every night", "pgha.backup.schedule"))
                .hasMessageContaining("invalid setting pgha.backup.schedule: 'every night' is not a cron expression")
                .hasMessageContaining("0 0 2 * * ?");
    }
}
