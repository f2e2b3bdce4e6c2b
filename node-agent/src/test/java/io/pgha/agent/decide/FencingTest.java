package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FencingTest {
    private final AtomicLong now =
            new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());
    private final MonotonicClock clock = now::get;
    private final Fencing fencing = new Fencing(Duration.ofSeconds(10), Duration.ofSeconds(3));

    @Test
    void aPrimaryKeepsRunningUntilTtlMinusMarginAfterTheLastRenewalSent() {
        long sent = clock.nanoTime();
        advance(Duration.ofMillis(6999));
        assertThat(fencing.mustDemote(clock.nanoTime(), sent)).isFalse();
        assertThat(fencing.remaining(clock.nanoTime(), sent)).isEqualTo(Duration.ofMillis(1));
        advance(Duration.ofMillis(1));
        assertThat(fencing.mustDemote(clock.nanoTime(), sent)).isTrue();
        assertThat(fencing.remaining(clock.nanoTime(), sent)).isZero();
    }

    @Test
    void aLaterSuccessfulRenewalMovesTheDeadline() {
        long first = clock.nanoTime();
        advance(Duration.ofSeconds(5));
        long second = clock.nanoTime();
        advance(Duration.ofSeconds(5));
        assertThat(fencing.mustDemote(clock.nanoTime(), first)).isTrue();
        assertThat(fencing.mustDemote(clock.nanoTime(), second)).isFalse();
    }

    @Test
    void worksAcrossTheOverflowOfTheMonotonicClock() {
        long sent = clock.nanoTime(); // 5 s before Long.MAX_VALUE
        advance(Duration.ofSeconds(8)); // wraps around
        assertThat(clock.nanoTime()).isNegative();
        assertThat(fencing.mustDemote(clock.nanoTime(), sent)).isTrue();
    }

    @Test
    void theMarginMustFitInTheTtl() {
        assertThatThrownBy(() -> new Fencing(Duration.ofSeconds(3), Duration.ofSeconds(3)))
                .hasMessageContaining("pgha.fencing.safety-margin");
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
