package io.pgha.renderer.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.renderer.pool.PoolPause.Action;
import io.pgha.renderer.pool.PoolPause.Decision;
import io.pgha.renderer.pool.PoolPause.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolPauseTest {
    private static final Instant T = Instant.parse("2026-12-02T00:00:00Z");
    private static final Duration MAX = Duration.ofSeconds(10);

    @Test
    void pausesForASwitchoverOfItsClusterOnce() {
        Decision d = PoolPause.switchoverStarted(State.RUNNING, "main", "main", 41, "pg-0", T, 41, T, MAX);
        assertThat(d.action()).isEqualTo(Action.PAUSE);
        assertThat(d.next()).isEqualTo(new State(true, 41, "pg-0", T));
        Decision again =
                PoolPause.switchoverStarted(d.next(), "main", "main", 41, "pg-0", T, 41, T.plusSeconds(1), MAX);
        assertThat(again.action()).as("announced twice").isEqualTo(Action.NONE);
        assertThat(again.next()).isEqualTo(d.next());
    }

    @Test
    void ignoresOtherClustersReplaysAndSwitchoversAlreadyRoutedPast() {
        assertThat(PoolPause.switchoverStarted(State.RUNNING, "main", "other", 41, "pg-0", T, 0, T, MAX)
                        .action())
                .isEqualTo(Action.NONE);
        assertThat(PoolPause.switchoverStarted(State.RUNNING, "main", "main", 41, "pg-0", T, 41, T.plusSeconds(11), MAX)
                        .action())
                .as("announced longer than max-pause ago (a replay)")
                .isEqualTo(Action.NONE);
        assertThat(PoolPause.switchoverStarted(State.RUNNING, "main", "main", 41, "pg-0", T, 45, T, MAX)
                        .action())
                .as("HAProxy routes by a later epoch already")
                .isEqualTo(Action.NONE);
    }

    @Test
    void resumesOnceANewLeaderIsRoutedAtALaterEpochNotBefore() {
        State paused = new State(true, 41, "pg-0", T);
        assertThat(PoolPause.routed(paused, topology(41, "pg-0")).action()).isEqualTo(Action.NONE);
        assertThat(PoolPause.routed(paused, topology(42, null)).action())
                .as("leaderless while the old primary hands over")
                .isEqualTo(Action.NONE);
        assertThat(PoolPause.routed(paused, topology(43, "pg-0")).action())
                .as("the old leader again")
                .isEqualTo(Action.NONE);
        Decision resume = PoolPause.routed(paused, topology(44, "pg-1"));
        assertThat(resume.action()).isEqualTo(Action.RESUME);
        assertThat(resume.next()).isEqualTo(State.RUNNING);
        assertThat(resume.reason()).contains("pg-1", "44");
        assertThat(PoolPause.routed(State.RUNNING, topology(44, "pg-1")).action())
                .isEqualTo(Action.NONE);
    }

    @Test
    void resumesAfterMaxPauseOrAFailedSwitchover() {
        State paused = new State(true, 41, "pg-0", T);
        assertThat(PoolPause.tick(paused, T.plusSeconds(9), MAX).action()).isEqualTo(Action.NONE);
        Decision late = PoolPause.tick(paused, T.plusSeconds(10), MAX);
        assertThat(late.action()).isEqualTo(Action.RESUME);
        assertThat(late.reason()).contains("pgha.renderer.pool.max-pause");
        assertThat(PoolPause.tick(State.RUNNING, T.plusSeconds(99), MAX).action())
                .isEqualTo(Action.NONE);
        assertThat(PoolPause.switchoverFailed(paused, "main", "other").action()).isEqualTo(Action.NONE);
        assertThat(PoolPause.switchoverFailed(paused, "main", "main").action()).isEqualTo(Action.RESUME);
    }

    private static TopologyChanged topology(long epoch, String leader) {
        return new TopologyChanged("main", epoch, leader, List.of(), List.of(), false, T);
    }
}
