package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnpromotedLeaderTest {
    private static final long S = 1_000_000_000L;
    private final UnpromotedLeader watch = new UnpromotedLeader(Duration.ofSeconds(15));

    @Test
    void aKeyNamingARunningReplicaIsOverdueAfterTheTimeoutFromWhenItWasFirstSeen() {
        assertThat(watch.overdue(7, true, 100 * S)).isFalse();
        assertThat(watch.overdue(7, true, 114 * S)).isFalse();
        assertThat(watch.overdue(7, true, 115 * S)).isTrue();
    }

    @Test
    void aPromotionOrANewKeyStartsAgain() {
        watch.overdue(7, true, 100 * S);
        assertThat(watch.overdue(7, false, 110 * S)).as("promoted meanwhile").isFalse();
        assertThat(watch.overdue(7, true, 120 * S))
                .as("a replica again: counted anew")
                .isFalse();
        assertThat(watch.overdue(7, true, 134 * S)).isFalse();
        assertThat(watch.overdue(9, true, 135 * S)).as("another key").isFalse();
        assertThat(watch.overdue(9, true, 149 * S)).isFalse();
        assertThat(watch.overdue(9, true, 150 * S)).isTrue();
    }

    @Test
    void afterAResetTheSameKeyIsCountedFromTheNextSighting() {
        watch.overdue(7, true, 100 * S);
        watch.reset();
        assertThat(watch.overdue(7, true, 200 * S)).isFalse();
        assertThat(watch.overdue(7, true, 214 * S)).isFalse();
        assertThat(watch.overdue(7, true, 215 * S)).isTrue();
    }
}
