package io.pgha.monitor.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimingRulesTest {
    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void theDefaultsAreValid() {
        assertThat(TimingRules.problems(ms(1000), ms(400), ms(400), ms(5000), ms(5000), ms(300_000)))
                .isEmpty();
    }

    @Test
    void aProbeMustGiveUpBeforeTheNextIsDue() {
        assertThat(TimingRules.problems(ms(1000), ms(500), ms(500), ms(5000), ms(5000), ms(300_000)))
                .singleElement()
                .asString()
                .contains("pgha.health-monitor.connect-timeout + pgha.health-monitor.statement-timeout")
                .contains("pgha.health-monitor.probe-interval");
    }

    @Test
    void heartbeatAndBackoffAreNotShorterThanTheInterval() {
        assertThat(TimingRules.problems(ms(1000), ms(400), ms(400), ms(500), ms(500), ms(100)))
                .hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith("pgha.health-monitor.heartbeat-interval"))
                .anySatisfy(p -> assertThat(p).startsWith("pgha.health-monitor.auth-backoff-initial"))
                .anySatisfy(p -> assertThat(p).startsWith("pgha.health-monitor.auth-backoff-max"));
    }

    @Test
    void aNegativeRetentionOfDepartedMembersIsRefusedNamingTheProperty() {
        assertThat(TimingRules.retentionProblems(Duration.ofMinutes(60))).isEmpty();
        assertThat(TimingRules.retentionProblems(Duration.ZERO)).isEmpty();
        assertThat(TimingRules.retentionProblems(Duration.ofSeconds(-1)))
                .singleElement()
                .asString()
                .startsWith("pgha.health-monitor.departed-member-retention must not be negative");
    }
}
