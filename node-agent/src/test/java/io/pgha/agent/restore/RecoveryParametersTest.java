package io.pgha.agent.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.Lsn;
import io.pgha.repository.restore.RecoveryTarget;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecoveryParametersTest {
    @Test
    void aTimeIsWrittenWithANumericOffsetThatPostgresAcceptsAtStart() {
        assertThat(RecoveryParameters.of(RecoveryTarget.atTime(Instant.parse("2026-12-01T18:08:48.327312Z"))))
                .containsEntry("recovery_target_time", "2026-12-01 18:08:48.327312+00")
                .containsEntry("recovery_target_inclusive", "on")
                .containsEntry("recovery_target_action", "promote");
        assertThat(RecoveryParameters.of(RecoveryTarget.atTime(Instant.parse("2026-12-01T18:08:48Z"))))
                .containsEntry("recovery_target_time", "2026-12-01 18:08:48.000000+00");
        assertThat(RecoveryParameters.of(RecoveryTarget.atLsn(Lsn.parse("0/3000060"))))
                .containsEntry("recovery_target_lsn", "0/3000060")
                .doesNotContainKey("recovery_target_time");
    }
}
