package io.pgha.alert.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    @Test
    void doublesFromInitialUpToMax() {
        assertThat(backoff.delay(0)).isZero();
        assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(7)).isEqualTo(Duration.ofSeconds(30)); // 32 s capped
        assertThat(backoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void refusesAMaxBelowInitial() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("initial");
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("initial");
    }
}
