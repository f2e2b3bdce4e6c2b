package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A departed member's slot is dropped member_slots_ttl after it was first seen unwanted, not before. */
class DepartedSlotsTest {
    private static final long T0 = 1_000_000_000L;
    private static final Duration TTL = Duration.ofMinutes(30);

    @Test
    void anUnwantedSlotExpiresAfterTheTtlCountedFromWhenItWasFirstSeen() {
        DepartedSlots d = DepartedSlots.NONE.seen(Set.of("pg_0", "pg_2"), Set.of("pg_0"), T0);
        assertThat(d.unwantedSince()).containsOnlyKeys("pg_2");
        // seen again later: the first sighting counts
        d = d.seen(Set.of("pg_0", "pg_2"), Set.of("pg_0"), T0 + TTL.toNanos() / 2);
        assertThat(d.expired(TTL, T0 + TTL.toNanos() - 1)).isEmpty();
        assertThat(d.expired(TTL, T0 + TTL.toNanos())).containsExactly("pg_2");
        assertThat(d.without(Set.of("pg_2")).isEmpty()).isTrue();
    }

    @Test
    void aMemberThatComesBackKeepsItsSlot() {
        DepartedSlots d = DepartedSlots.NONE.seen(Set.of("pg_1"), Set.of(), T0);
        d = d.seen(Set.of("pg_1"), Set.of("pg_1"), T0 + 1);
        assertThat(d.expired(Duration.ZERO, T0 + TTL.toNanos() * 2)).isEmpty();
    }

    @Test
    void aSlotGoneMeanwhileIsForgottenAndZeroDropsAtOnce() {
        DepartedSlots d = DepartedSlots.NONE.seen(Set.of("pg_1", "pg_2"), Set.of(), T0);
        assertThat(d.expired(Duration.ZERO, T0)).containsExactly("pg_1", "pg_2");
        d = d.seen(Set.of("pg_2"), Set.of(), T0 + 5);
        assertThat(d.unwantedSince()).containsOnlyKeys("pg_2").containsEntry("pg_2", T0);
    }
}
