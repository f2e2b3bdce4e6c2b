package io.pgha.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClusterContextTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ClusterContext ctx =
            new ClusterContext("c", "me", null, null, null, null, null, Clock.systemUTC(), nanos::get);

    @Test
    void theLoopPausesATickUnlessAStepAskedToRunSooner() {
        assertThat(ctx.pauseMillis(500)).isEqualTo(500);

        ctx.runAgainIn(Duration.ofMillis(300));
        ctx.runAgainIn(Duration.ofMillis(400));
        nanos.addAndGet(100_000_000L);
        assertThat(ctx.pauseMillis(500))
                .as("the sooner of the two, 100 ms later")
                .isEqualTo(200);
        assertThat(ctx.pauseMillis(500)).as("asked once, used once").isEqualTo(500);

        ctx.runAgainIn(Duration.ofSeconds(2));
        assertThat(ctx.pauseMillis(500)).as("never longer than the tick").isEqualTo(500);

        ctx.runAgainIn(Duration.ofMillis(50));
        nanos.addAndGet(80_000_000L);
        assertThat(ctx.pauseMillis(500)).as("overdue: at once").isEqualTo(1);
    }
}
