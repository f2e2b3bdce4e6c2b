package io.pgha.system.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.system.chaos.FaultPlan.Planned;
import io.pgha.system.chaos.FaultPlan.Type;
import java.time.Duration;
import java.util.List;
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

    @Test
    void aTypeListRestrictsThePlanAndItsOrderDoesNotChangeTheSchedule() {
        List<Type> only = Type.parse("disk-full, kill-node");
        assertThat(only).containsExactly(Type.KILL_NODE, Type.DISK_FULL);
        FaultPlan plan = FaultPlan.of(11, 20, Duration.ofSeconds(15), only);
        assertThat(plan.faults().subList(0, 2))
                .extracting(Planned::type)
                .containsExactlyInAnyOrder(Type.KILL_NODE, Type.DISK_FULL);
        assertThat(plan.faults()).extracting(Planned::type).containsOnly(Type.KILL_NODE, Type.DISK_FULL);
        assertThat(FaultPlan.of(11, 20, Duration.ofSeconds(15), Type.parse("kill-node,disk-full")))
                .isEqualTo(plan);
        assertThat(FaultPlan.of(11, 20, Duration.ofSeconds(15), List.of(Type.values())))
                .isEqualTo(FaultPlan.of(11, 20, Duration.ofSeconds(15)));
    }

    @Test
    void aBlankTypeListMeansEveryTypeAndAnUnknownNameIsRefusedWithTheValidOnes() {
        assertThat(Type.parse("")).containsExactly(Type.values());
        assertThat(Type.parse(null)).containsExactly(Type.values());
        assertThatThrownBy(() -> Type.parse("disk-full,kill-everything"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'kill-everything'")
                .hasMessageContaining("etcd-quorum-lost,disk-full")
                .hasMessageContaining("kill-agent");
        assertThatThrownBy(() -> Type.parse(" , ")).isInstanceOf(IllegalArgumentException.class);
    }
}
