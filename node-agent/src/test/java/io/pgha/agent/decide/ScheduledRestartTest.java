package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.agent.decide.ScheduledRestart.Due;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the loop carries out a restart scheduled through POST /restart. */
class ScheduledRestartTest {
    private static final Instant AT = Instant.parse("2026-12-02T14:30:00Z");
    private static final Instant STARTED = Instant.parse("2026-12-01T08:00:00Z");
    private static final Duration LOOP_WAIT = Duration.ofSeconds(1);

    private static ScheduledRestart scheduled() {
        RestartRequest.Parsed parsed = RestartRequest.parse("{\"schedule\": \"" + AT + "\"}", AT.minusSeconds(60));
        return new ScheduledRestart(parsed.request(), STARTED);
    }

    @Test
    void itWaitsUntilItsTimeThenRuns() {
        ScheduledRestart s = scheduled();
        assertThat(s.due(AT.minusSeconds(5), STARTED, false, LOOP_WAIT)).isEqualTo(Due.WAIT);
        assertThat(s.due(AT.minusMillis(1), STARTED, false, LOOP_WAIT)).isEqualTo(Due.WAIT);
        assertThat(s.due(AT, STARTED, false, LOOP_WAIT)).isEqualTo(Due.RUN);
        assertThat(s.due(AT.plusSeconds(2), STARTED, false, LOOP_WAIT)).isEqualTo(Due.RUN);
        // stopped meanwhile (no start time now): still runs, the restart starts it
        assertThat(s.due(AT, null, false, LOOP_WAIT)).isEqualTo(Due.RUN);
    }

    @Test
    void whilePausedItWaits() {
        assertThat(scheduled().due(AT.plusSeconds(2), STARTED, true, LOOP_WAIT)).isEqualTo(Due.WAIT);
    }

    @Test
    void aRestartSinceItWasScheduledCancelsIt() {
        assertThat(scheduled().due(AT.minusSeconds(5), STARTED.plusSeconds(1), false, LOOP_WAIT))
                .isEqualTo(Due.RESTARTED_SINCE);
    }

    @Test
    void foundFarTooLateItIsDroppedAsStale() {
        ScheduledRestart s = scheduled();
        assertThat(s.due(AT.plus(ScheduledRestart.STALE_AFTER), STARTED, false, LOOP_WAIT))
                .isEqualTo(Due.RUN);
        assertThat(s.due(AT.plus(ScheduledRestart.STALE_AFTER).plusSeconds(1), STARTED, false, LOOP_WAIT))
                .isEqualTo(Due.STALE);
        // a long loop_wait stretches the window to 3 x loop_wait
        assertThat(s.due(AT.plusSeconds(60), STARTED, false, Duration.ofSeconds(30)))
                .isEqualTo(Due.RUN);
    }

    @Test
    void aRestartWithoutScheduleCannotBeScheduled() {
        assertThatThrownBy(() -> new ScheduledRestart(RestartRequest.NOW, STARTED))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
