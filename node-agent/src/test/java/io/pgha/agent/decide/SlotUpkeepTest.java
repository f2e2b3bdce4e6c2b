package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlotUpkeepTest {
    private static final long T0 = Long.MAX_VALUE - Duration.ofMinutes(10).toNanos();
    private static final Instant STARTED = Instant.parse("2026-12-02T10:00:00Z");
    private static final Set<String> TWO = Set.of("pg_1", "pg_2");
    private static final SlotUpkeep LAST = SlotUpkeep.ensured(TWO, STARTED, 3, T0);

    @Test
    void theSameSlotsOnTheSameServerRunAndTimelineAreNotEnsuredAgainWithinTheRefresh() {
        long later = T0 + SlotUpkeep.REFRESH.minusMillis(1).toNanos();
        assertThat(SlotUpkeep.needed(LAST, Set.of("pg_2", "pg_1"), STARTED, 3, later))
                .isFalse();
    }

    @Test
    void nothingEnsuredYetMeansEnsure() {
        assertThat(SlotUpkeep.needed(null, TWO, STARTED, 3, T0)).isTrue();
    }

    @Test
    void aMemberThatJoinedOrLeftMeansEnsure() {
        assertThat(SlotUpkeep.needed(LAST, Set.of("pg_1", "pg_2", "pg_3"), STARTED, 3, T0))
                .isTrue();
        assertThat(SlotUpkeep.needed(LAST, Set.of("pg_1"), STARTED, 3, T0)).isTrue();
    }

    @Test
    void aPromotionMeansEnsure() {
        assertThat(SlotUpkeep.needed(LAST, TWO, STARTED, 4, T0)).isTrue();
    }

    @Test
    void aRestartMeansEnsure() {
        assertThat(SlotUpkeep.needed(LAST, TWO, STARTED.plusSeconds(5), 3, T0)).isTrue();
        assertThat(SlotUpkeep.needed(LAST, TWO, null, 3, T0)).isTrue();
    }

    @Test
    void afterTheRefreshTheyAreEnsuredAgainSoThatASlotDroppedByHandComesBack() {
        assertThat(SlotUpkeep.needed(LAST, TWO, STARTED, 3, T0 + SlotUpkeep.REFRESH.toNanos()))
                .isTrue();
    }

    @Test
    void theRecordKeepsItsOwnCopyOfTheSlots() {
        java.util.Set<String> mutable = new java.util.HashSet<>(TWO);
        SlotUpkeep last = SlotUpkeep.ensured(mutable, STARTED, 3, T0);
        mutable.add("pg_9");
        assertThat(SlotUpkeep.needed(last, TWO, STARTED, 3, T0)).isFalse();
    }
}
