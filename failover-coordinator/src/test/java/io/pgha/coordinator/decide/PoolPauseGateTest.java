package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.store.RouterReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PoolPauseGateTest {
    private static final String AT = "2026-12-02T00:00:00Z";

    @Test
    void waitsOnlyForPoolingRoutersNotYetPausedForTheEpoch() {
        Map<String, Optional<RouterReport>> reports = new LinkedHashMap<>();
        reports.put("plain", Optional.of(new RouterReport(41, "pg-0", AT)));
        reports.put("unreadable", Optional.empty());
        reports.put("r1", Optional.of(new RouterReport(41, "pg-0", AT, true, null)));
        reports.put("r2", Optional.of(new RouterReport(41, "pg-0", AT, true, 40L)));
        reports.put("r3", Optional.of(new RouterReport(41, "pg-0", AT, true, 41L)));
        assertThat(PoolPauseGate.anyPooler(reports)).isTrue();
        assertThat(PoolPauseGate.notPaused(reports, 41))
                .containsExactly("r1 (paused for nothing)", "r2 (paused for epoch 40)");
    }

    @Test
    void withoutPoolersThereIsNothingToWaitFor() {
        Map<String, Optional<RouterReport>> reports = Map.of("plain", Optional.of(new RouterReport(41, "pg-0", AT)));
        assertThat(PoolPauseGate.anyPooler(reports)).isFalse();
        assertThat(PoolPauseGate.notPaused(reports, 41)).isEmpty();
        assertThat(PoolPauseGate.anyPooler(Map.of())).isFalse();
    }

    @Test
    void aDueScheduledSwitchoverIsAnnouncedThenStartedOncePausedOrAtTheBound() {
        Duration bound = Duration.ofSeconds(5);
        Map<String, Optional<RouterReport>> notYet =
                Map.of("r1", Optional.of(new RouterReport(41, "pg-0", AT, true, null)));
        Map<String, Optional<RouterReport>> paused =
                Map.of("r1", Optional.of(new RouterReport(41, "pg-0", AT, true, 41L)));

        assertThat(PoolPauseGate.scheduled(notYet, 41, null, bound).step())
                .isEqualTo(PoolPauseGate.ScheduledStep.ANNOUNCE);
        assertThat(PoolPauseGate.scheduled(notYet, 41, Duration.ofSeconds(1), bound))
                .isEqualTo(new PoolPauseGate.Scheduled(
                        PoolPauseGate.ScheduledStep.WAIT, List.of("r1 (paused for nothing)")));
        assertThat(PoolPauseGate.scheduled(paused, 41, Duration.ofSeconds(1), bound))
                .isEqualTo(new PoolPauseGate.Scheduled(PoolPauseGate.ScheduledStep.START, List.of()));
        assertThat(PoolPauseGate.scheduled(notYet, 41, Duration.ofSeconds(5), bound))
                .as("past pgha.coordinator.pool-pause-timeout it starts anyway, naming who did not pause")
                .isEqualTo(new PoolPauseGate.Scheduled(
                        PoolPauseGate.ScheduledStep.START, List.of("r1 (paused for nothing)")));
    }

    @Test
    void aDueScheduledSwitchoverStartsAtOnceWithoutPoolersOrWithoutABound() {
        Map<String, Optional<RouterReport>> plain = Map.of("plain", Optional.of(new RouterReport(41, "pg-0", AT)));
        Map<String, Optional<RouterReport>> pooling =
                Map.of("r1", Optional.of(new RouterReport(41, "pg-0", AT, true, null)));
        assertThat(PoolPauseGate.scheduled(plain, 41, null, Duration.ofSeconds(5))
                        .step())
                .isEqualTo(PoolPauseGate.ScheduledStep.START);
        assertThat(PoolPauseGate.scheduled(pooling, 41, null, Duration.ZERO).step())
                .isEqualTo(PoolPauseGate.ScheduledStep.START);
    }
}
