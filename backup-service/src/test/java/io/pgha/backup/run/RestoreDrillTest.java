package io.pgha.backup.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestoreDrillTest {
    @Test
    void targetTimesAreWrittenWithANumericOffsetPostgresqlAccepts() {
        assertThat(RestoreDrill.pgTime(Instant.parse("2026-12-01T18:09:51.756Z")))
                .isEqualTo("2026-12-01 18:09:51.756000+00");
    }
}
