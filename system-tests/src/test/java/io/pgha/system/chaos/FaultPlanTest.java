package io.pgha.system.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.system.chaos.FaultPlan.Planned;
import io.pgha.system.chaos.FaultPlan.Type;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
    @Test
    void theSameSeedGivesTheSameFaultsAndAnotherSeedOthers() {
        FaultPlan a = FaultPlan.of(42, 30, Duration.ofSeconds(30));
        assertThat(FaultPlan.of(42, 30, Duration.ofSeconds(30))).isEqualTo(a);
        assertThat(FaultPlan.of(43, 30, Duration.ofSeconds(30)).faults()).isNotEqualTo(a.faults());
    }

    @Test
    void everyTypeComesOnceFirstAndHoldsStayWithinBounds() {
        FaultPlan plan = FaultPlan.of(7, 40, Duration.ofSeconds(15));
        assertThat(plan.faults().subList(0, Type.values().length))
                .extracting(Planned::type)
                .containsExactlyInAnyOrder(Type.values());
        assertThat(plan.faults())
                .allSatisfy(f -> assertThat(f.hold()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(15)));
        assertThat(plan.faults())
                .extracting(Planned::index)
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 40).boxed().toList());
    }
}
