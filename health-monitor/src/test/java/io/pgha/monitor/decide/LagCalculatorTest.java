package io.pgha.monitor.decide;

import static io.pgha.monitor.decide.Results.down;
import static io.pgha.monitor.decide.Results.primary;
import static io.pgha.monitor.decide.Results.replica;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.NodeHealthEvent.ErrorClass;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LagCalculatorTest {
    @Test
    void replicaLagIsThePrimaryLsnOfTheSameRoundMinusWhatItReplayed() {
        Map<String, Long> lags = LagCalculator.lags(
                "pg-0",
                Map.of(
                        "pg-0", primary("0/3000100", 1),
                        "pg-1", replica("0/3000100", "0/3000000", 1),
                        "pg-2", replica("0/3000100", "0/3000100", 1)));

        assertThat(lags).containsExactlyInAnyOrderEntriesOf(Map.of("pg-0", 0L, "pg-1", 0x100L, "pg-2", 0L));
    }

    @Test
    void receivedLsnCountsWhenNothingIsReplayedYet() {
        Map<String, Long> lags =
                LagCalculator.lags("pg-0", Map.of("pg-0", primary("1/0", 1), "pg-1", replica("0/FFFFFF00", null, 1)));

        assertThat(lags).containsEntry("pg-1", 0x100L);
    }

    @Test
    void aReplicaProbedAfterThePrimaryNeverHasNegativeLag() {
        Map<String, Long> lags = LagCalculator.lags(
                "pg-0", Map.of("pg-0", primary("0/3000000", 1), "pg-1", replica("0/3000100", "0/3000100", 1)));

        assertThat(lags).containsEntry("pg-1", 0L);
    }

    @Test
    void withoutAReachablePrimaryNobodyHasALag() {
        assertThat(LagCalculator.lags(
                        "pg-0", Map.of("pg-0", down(ErrorClass.CONNECTION_REFUSED), "pg-1", replica("0/1", "0/1", 1))))
                .isEmpty();
    }

    @Test
    void theOnlyPrimaryIsTheReferenceWhenTheTopologyLeaderIsNotOne() {
        assertThat(LagCalculator.reference(
                        "pg-0", Map.of("pg-0", replica("0/1", "0/1", 2), "pg-1", primary("0/10", 2))))
                .contains("pg-1");
        assertThat(LagCalculator.reference(null, Map.of("pg-1", primary("0/10", 2))))
                .contains("pg-1");
    }

    @Test
    void twoPrimariesNeitherTheLeaderMeanNoReference() {
        assertThat(LagCalculator.reference("pg-2", Map.of("pg-0", primary("0/1", 1), "pg-1", primary("0/10", 2))))
                .isEmpty();
        assertThat(LagCalculator.reference("pg-1", Map.of("pg-0", primary("0/1", 1), "pg-1", primary("0/10", 2))))
                .contains("pg-1");
    }

    @Test
    void unreachableReplicasHaveNoLag() {
        Map<String, Long> lags =
                LagCalculator.lags("pg-0", Map.of("pg-0", primary("0/10", 1), "pg-1", down(ErrorClass.TIMEOUT)));

        assertThat(lags).containsOnlyKeys("pg-0");
    }
}
