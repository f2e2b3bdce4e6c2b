package io.pgha.backup.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DrillCheckTest {
    private static final Instant STOP = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theTargetIsARandomTimeAfterTheBackupWasConsistentAndNotInTheFuture() {
        Random random = new Random(7);
        Instant now = STOP.plusSeconds(3600).plusNanos(123_456_789);
        for (int i = 0; i < 1000; i++) {
            Instant t = DrillCheck.target(STOP, now, random);
            assertThat(t).isAfterOrEqualTo(STOP.plusSeconds(1)).isBeforeOrEqualTo(now);
            assertThat(t.getNano() % 1_000_000).isZero();
        }
        assertThat(DrillCheck.target(STOP, STOP, random)).isEqualTo(STOP);
    }

    @Test
    void everyRowBeforeTheTargetAndNoneAfterPasses() {
        assertThat(DrillCheck.heartbeat(120, 120, 0, STOP)).isEmpty();
        assertThat(DrillCheck.heartbeat(120, 121, 0, STOP)).isEmpty(); // a row within the commit margin
    }

    @Test
    void missingRowsOrRowsAfterTheTargetFail() {
        assertThat(DrillCheck.heartbeat(120, 110, 0, STOP))
                .singleElement()
                .asString()
                .contains("10 heartbeat rows");
        assertThat(DrillCheck.heartbeat(120, 120, 3, STOP))
                .singleElement()
                .asString()
                .contains("did not stop");
    }

    @Test
    void rpoIsTheAgeOfTheNewestRecoveredRowWhenTheArchiveWasSampled() {
        assertThat(DrillCheck.rpoSeconds(Optional.of(STOP), STOP.plusMillis(4500)))
                .contains(4.5);
        assertThat(DrillCheck.rpoSeconds(Optional.empty(), STOP)).isEmpty();
    }
}
