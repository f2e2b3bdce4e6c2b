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
}
