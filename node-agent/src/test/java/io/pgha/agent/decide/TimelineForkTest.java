package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.Lsn;
import org.junit.jupiter.api.Test;

class TimelineForkTest {
    /** Timeline 3's history: timeline 1 ended at 0/803B1A8, timeline 2 at 0/9000060. */
    private static final String HISTORY =
            "1\t0/803B1A8\tno recovery target specified\n\n2\t0/9000060\tno recovery target specified\n";

    @Test
    void theSwitchPointOfEachTimelineIsRead() {
        assertThat(TimelineFork.switchPoint(HISTORY, 1)).contains(Lsn.parse("0/803B1A8"));
        assertThat(TimelineFork.switchPoint(HISTORY, 2)).contains(Lsn.parse("0/9000060"));
        assertThat(TimelineFork.switchPoint(HISTORY, 7)).isEmpty();
    }

    @Test
    void aStandbyThatReplayedPastTheForkHasDiverged() {
        // the chaos run's case: the async standby replayed 0/803B5A8 of the old primary's timeline 1,
        // the promoted sync standby had only 0/803B1A8
        assertThat(TimelineFork.diverged(HISTORY, 1, Lsn.parse("0/803B5A8"))).isTrue();
    }

    @Test
    void aStandbyAtOrBeforeTheForkFollowsTheNewTimeline() {
        assertThat(TimelineFork.diverged(HISTORY, 1, Lsn.parse("0/803B1A8"))).isFalse();
        assertThat(TimelineFork.diverged(HISTORY, 1, Lsn.parse("0/8000000"))).isFalse();
    }

    @Test
    void aTimelineTheLeaderNeverRanOnHasDiverged() {
        assertThat(TimelineFork.diverged(HISTORY, 5, Lsn.parse("0/1000000"))).isTrue();
    }

    @Test
    void aMalformedHistoryIsAnError() {
        assertThatThrownBy(() -> TimelineFork.switchPoint("garbage", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("garbage");
    }

    @Test
    void theVerdictComparesTheReplayTimelineNotTheStreamedOne() {
        // the asynchronous chaos run of 2026-12-04: the standby's WAL receiver streamed timeline 3 while
        // recovery stayed on timeline 2, past the point where timeline 3 left it
        TimelineFork.ReplayPoint stuck = new TimelineFork.ReplayPoint(Lsn.parse("0/9000100"), 2);
        assertThat(TimelineFork.verdict(stuck, 3, () -> HISTORY)).isEqualTo(TimelineFork.Verdict.DIVERGED);
        TimelineFork.ReplayPoint behind = new TimelineFork.ReplayPoint(Lsn.parse("0/8F00000"), 2);
        assertThat(TimelineFork.verdict(behind, 3, () -> HISTORY)).isEqualTo(TimelineFork.Verdict.FOLLOWS);
    }

    @Test
    void aStandbyOnTheLeadersTimelineNeedsNoHistory() {
        TimelineFork.ReplayPoint on = new TimelineFork.ReplayPoint(Lsn.parse("0/9000100"), 3);
        assertThat(TimelineFork.verdict(on, 3, () -> {
                    throw new AssertionError("the history is not read");
                }))
                .isEqualTo(TimelineFork.Verdict.ON_LEADER_TIMELINE);
    }
}
