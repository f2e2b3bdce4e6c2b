package io.pgha.alert.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayStartTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theCompactedTopologyIsReadWholeAndTheTimeRetentionTopicsAWindowBack() {
        Duration window = Duration.ofMinutes(15);
        Duration alerts = Duration.ofHours(168);
        assertThat(ReplayStart.of("pgha.topology", NOW, window, alerts)).isEqualTo(new ReplayStart.Beginning());
        for (String topic : new String[] {"pgha.node-health", "pgha.election", "pgha.backup"}) {
            assertThat(ReplayStart.of(topic, NOW, window, alerts))
                    .as(topic)
                    .isEqualTo(new ReplayStart.At(NOW.minus(window)));
        }
        assertThat(ReplayStart.of("pgha.alerts", NOW, window, alerts)).isEqualTo(new ReplayStart.At(NOW.minus(alerts)));
    }
}
