package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.coordinator.decide.SyncPlanner.Settle;
import io.pgha.events.Lsn;
import org.junit.jupiter.api.Test;

/**
 * Step 3(b) of synchronous mode: the primary's position counts for a newly applied set only from a
 * later report of its agent, taken at least the settle time after the set was first seen applied.
 */
class SyncSettleTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long SETTLE = SECOND;
    private static final String AB = "[a, b]@pg-0";

    @Test
    void thePositionOfTheReportThatFirstShowsTheSetNeverCounts() {
        Settle seen = SyncPlanner.settle(Settle.NONE, AB, 10, Lsn.parse("0/100"), 0, SETTLE);
        assertThat(seen.appliedAtLsn()).isNull();

        Settle sameReportLater = SyncPlanner.settle(seen, AB, 10, Lsn.parse("0/200"), 5 * SECOND, SETTLE);
        assertThat(sameReportLater.appliedAtLsn()).isNull();
    }

    @Test
    void aLaterReportCountsOnlyOnceTheSettleTimePassed() {
        Settle seen = SyncPlanner.settle(Settle.NONE, AB, 10, Lsn.parse("0/100"), 0, SETTLE);

        Settle tooSoon = SyncPlanner.settle(seen, AB, 11, Lsn.parse("0/200"), SETTLE - 1, SETTLE);
        assertThat(tooSoon.appliedAtLsn()).isNull();

        Settle settled = SyncPlanner.settle(tooSoon, AB, 12, Lsn.parse("0/300"), SETTLE, SETTLE);
        assertThat(settled.appliedAtLsn()).isEqualTo(Lsn.parse("0/300"));
    }

    @Test
    void theSettledPositionStaysWhileTheSetDoesAndIsForgottenWhenItChanges() {
        Settle seen = SyncPlanner.settle(Settle.NONE, AB, 10, Lsn.parse("0/100"), 0, SETTLE);
        Settle settled = SyncPlanner.settle(seen, AB, 11, Lsn.parse("0/300"), 2 * SECOND, SETTLE);

        Settle later = SyncPlanner.settle(settled, AB, 20, Lsn.parse("0/900"), 9 * SECOND, SETTLE);
        assertThat(later.appliedAtLsn()).isEqualTo(Lsn.parse("0/300"));

        Settle changed = SyncPlanner.settle(later, "[a]@pg-0", 21, Lsn.parse("0/A00"), 10 * SECOND, SETTLE);
        assertThat(changed.appliedAtLsn()).isNull();
        assertThat(changed.seenRevision()).isEqualTo(21);
    }

    @Test
    void aNewLeaderWithTheSameNamesStartsAgain() {
        Settle settled = SyncPlanner.settle(
                SyncPlanner.settle(Settle.NONE, AB, 10, Lsn.parse("0/100"), 0, SETTLE),
                AB,
                11,
                Lsn.parse("0/300"),
                2 * SECOND,
                SETTLE);

        Settle otherLeader = SyncPlanner.settle(settled, "[a, b]@pg-1", 30, Lsn.parse("0/400"), 3 * SECOND, SETTLE);
        assertThat(otherLeader.appliedAtLsn()).isNull();
    }
}
