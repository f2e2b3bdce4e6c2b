package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlotNamesTest {
    @Test
    void aSlotNameIsTheMemberNameInLowerCaseWithOnlyLettersDigitsAndUnderscores() {
        assertThat(SlotNames.of("PG-1.a_b")).isEqualTo("pg_1_a_b");
        assertThat(SlotNames.of("node0")).isEqualTo("node0");
    }

    @Test
    void membersThatMapToTheSameSlotAreNamedBoth() {
        for (String other : List.of("pg.1", "PG_1", "pg_1")) {
            assertThat(SlotNames.collision("pg-1", List.of("pg-0", other, "pg-1")))
                    .as(other)
                    .hasValueSatisfying(message -> assertThat(message)
                            .contains("'pg-1'")
                            .contains("'" + other + "'")
                            .contains("'pg_1'")
                            .contains("pgha.name"));
        }
    }

    @Test
    void noCollisionWithItselfOrWithDistinctSlots() {
        assertThat(SlotNames.collision("pg-1", List.of("pg-1", "pg-0", "pg-2", "pg-10")))
                .isEmpty();
        assertThat(SlotNames.collision("pg-1", List.of())).isEmpty();
    }

    @Test
    void refuseThrowsWithTheMessage() {
        assertThatThrownBy(() -> SlotNames.refuseCollision("pg-1", List.of("pg.1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'pg.1'");
        SlotNames.refuseCollision("pg-1", List.of("pg-2"));
    }
}
