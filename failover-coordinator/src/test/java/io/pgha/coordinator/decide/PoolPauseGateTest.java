package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.store.RouterReport;
import java.util.LinkedHashMap;
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
}
