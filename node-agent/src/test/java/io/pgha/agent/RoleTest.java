package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RoleTest {
    @Test
    void theTransitionTableIsExactlyThis() {
        assertThat(Role.BOOTSTRAPPING.next()).containsExactlyInAnyOrder(Role.STANDBY, Role.PRIMARY, Role.STOPPING);
        assertThat(Role.STANDBY.next()).containsExactlyInAnyOrder(Role.PRIMARY, Role.STOPPING);
        assertThat(Role.PRIMARY.next())
                .containsExactlyInAnyOrder(Role.STANDBY, Role.HANDING_OVER, Role.DEMOTING, Role.STOPPING);
        assertThat(Role.HANDING_OVER.next()).containsExactlyInAnyOrder(Role.STANDBY, Role.PRIMARY, Role.STOPPING);
        assertThat(Role.DEMOTING.next()).containsExactlyInAnyOrder(Role.STANDBY, Role.PRIMARY, Role.STOPPING);
        assertThat(Role.STOPPING.next()).isEmpty();
    }

    @Test
    void everyLegalTransitionMovesAndEveryIllegalOneThrowsWithoutMoving() {
        for (Role from : Role.values()) {
            for (Role to : Role.values()) {
                Role.Machine m = new Role.Machine(from);
                if (from.next().contains(to)) {
                    m.transition(from, to);
                    assertThat(m.current()).as("%s -> %s", from, to).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> m.transition(from, to))
                            .as("%s -> %s", from, to)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("illegal role transition " + from + " -> " + to);
                    assertThat(m.current()).isEqualTo(from);
                }
            }
        }
    }

    @Test
    void aTransitionFromAStateTheMachineIsNotInThrowsOrIsRefused() {
        Role.Machine m = new Role.Machine(Role.STANDBY);
        assertThatThrownBy(() -> m.transition(Role.PRIMARY, Role.DEMOTING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the role is STANDBY");
        assertThat(m.tryTransition(Role.PRIMARY, Role.DEMOTING)).isFalse();
        assertThat(m.current()).isEqualTo(Role.STANDBY);
    }

    @Test
    void stopWinsFromEveryStateOnce() {
        for (Role from : EnumSet.complementOf(EnumSet.of(Role.STOPPING))) {
            Role.Machine m = new Role.Machine(from);
            assertThat(m.stop()).isTrue();
            assertThat(m.current()).isEqualTo(Role.STOPPING);
            assertThat(m.stop()).isFalse();
        }
    }

    @Test
    void onlyAPrimaryOrAHandingOverPrimaryIsGuardedByFencing() {
        assertThat(EnumSet.allOf(Role.class).stream().filter(Role::actingPrimary))
                .containsExactlyInAnyOrder(Role.PRIMARY, Role.HANDING_OVER);
        assertThat(EnumSet.allOf(Role.class).stream().filter(Role::steppingDown))
                .containsExactlyInAnyOrder(Role.HANDING_OVER, Role.DEMOTING);
    }
}
