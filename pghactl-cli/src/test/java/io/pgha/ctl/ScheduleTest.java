package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void nowOrNothingIsAtOnce() {
        assertThat(Schedule.parse(null, BERLIN, NOW)).isEmpty();
        assertThat(Schedule.parse("now", BERLIN, NOW)).isEmpty();
    }

    @Test
    void aLocalTimeIsInTheZoneAndAnOffsetIsKept() {
        assertThat(Schedule.parse("2026-12-24T03:00", BERLIN, NOW).orElseThrow().toString())
                .isEqualTo("2026-12-24T03:00+01:00");
        assertThat(Schedule.parse("2026-12-24 03:00:00Z", BERLIN, NOW)
                        .orElseThrow()
                        .toString())
                .isEqualTo("2026-12-24T03:00Z");
        assertThat(Schedule.parse("2026-12-24T03:00:00-05:00", BERLIN, NOW)
                        .orElseThrow()
                        .toInstant())
                .isEqualTo(Instant.parse("2026-12-24T08:00:00Z"));
    }

    @Test
    void garbageAndThePastAreUsageErrors() {
        assertThatThrownBy(() -> Schedule.parse("tomorrow", BERLIN, NOW)).hasMessageContaining("is not a time");
        assertThatThrownBy(() -> Schedule.parse("2026-12-01T03:00Z", BERLIN, NOW))
                .hasMessageContaining("in the past");
    }
}
