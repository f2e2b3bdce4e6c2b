package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StepTimesTest {
    @Test
    void eachStepIsTimedFromTheEndOfTheOneBefore() {
        AtomicLong at = new AtomicLong(5_000_000_000L);
        StepTimes steps = new StepTimes(at::get);
        at.addAndGet(Duration.ofMillis(412).toNanos());
        steps.done("checkpoint");
        at.addAndGet(Duration.ofMillis(95).toNanos());
        steps.done("shutdown checkpoint");
        steps.done("login");
        assertThat(steps).hasToString("checkpoint 412 ms, shutdown checkpoint 95 ms, login 0 ms");
    }

    @Test
    void nothingDoneSaysNothing() {
        assertThat(new StepTimes(() -> 0L)).hasToString("");
    }
}
