package io.pgha.renderer.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.renderer.pool.PoolPause.Action;
import io.pgha.renderer.pool.PoolPause.Cause;
import io.pgha.renderer.pool.PoolPause.Decision;
import io.pgha.renderer.pool.PoolPause.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolPauseTest {
    private static final Instant T = Instant.parse("2026-12-02T00:00:00Z");
    private static final Duration MAX = Duration.ofSeconds(10);
    private static final Duration FAILOVER_MAX = Duration.ofSeconds(20);

    @Test
    void pausesForASwitchoverOfItsClusterOnce() {
        Decision d = PoolPause.switchoverStarted(State.RUNNING, "main", "main", 41, "pg-0", T, 41, T, MAX);
        assertThat(d.action()).isEqualTo(Action.PAUSE);
        assertThat(d.next()).isEqualTo(new State(true, 41, "pg-0", T, Cause.SWITCHOVER, false));
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
        State paused = new State(true, 41, "pg-0", T, Cause.SWITCHOVER, false);
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
        State paused = new State(true, 41, "pg-0", T, Cause.SWITCHOVER, false);
        assertThat(PoolPause.tick(paused, T.plusSeconds(9), MAX, FAILOVER_MAX).action())
                .isEqualTo(Action.NONE);
        Decision late = PoolPause.tick(paused, T.plusSeconds(10), MAX, FAILOVER_MAX);
        assertThat(late.action()).isEqualTo(Action.RESUME);
        assertThat(late.reason()).contains("pgha.renderer.pool.max-pause");
        assertThat(PoolPause.tick(State.RUNNING, T.plusSeconds(99), MAX, FAILOVER_MAX)
                        .action())
                .isEqualTo(Action.NONE);
        assertThat(PoolPause.switchoverFailed(paused, "main", "other").action()).isEqualTo(Action.NONE);
        assertThat(PoolPause.switchoverFailed(paused, "main", "main").action()).isEqualTo(Action.RESUME);
    }

    @Test
    void pausesWhenTheReadWriteBackendLosesItsLastServerAndResumesWhenOneIsUpAgain() {
        Decision seen = PoolPause.readWriteServers(State.RUNNING, 1, 41, "pg-0", T);
        assertThat(seen.action()).isEqualTo(Action.NONE);
        assertThat(seen.next().readWriteUp()).isTrue();

        Decision lost = PoolPause.readWriteServers(seen.next(), 0, 41, "pg-0", T.plusSeconds(2));
        assertThat(lost.action()).isEqualTo(Action.PAUSE);
        assertThat(lost.next()).isEqualTo(new State(true, 41, "pg-0", T.plusSeconds(2), Cause.PRIMARY_LOST, false));
        assertThat(lost.reason()).contains("no server up", "pg-0");
        assertThat(PoolPause.readWriteServers(lost.next(), 0, 41, "pg-0", T.plusSeconds(3))
                        .action())
                .as("still none up: stays paused, no second PAUSE")
                .isEqualTo(Action.NONE);

        Decision back = PoolPause.readWriteServers(lost.next(), 1, 42, "pg-1", T.plusSeconds(11));
        assertThat(back.action()).isEqualTo(Action.RESUME);
        assertThat(back.next()).isEqualTo(State.RUNNING.withReadWriteUp(true));
    }

    @Test
    void aClusterThatNeverHadAServerUpIsNotPaused() {
        assertThat(PoolPause.readWriteServers(State.RUNNING, 0, -1, null, T).action())
                .isEqualTo(Action.NONE);
    }

    @Test
    void aPauseForALostPrimaryEndsWithTheNewLeaderRoutedOrAfterMaxFailoverPauseAndIsNotRepeatedUntilUpAgain() {
        State lost = PoolPause.readWriteServers(State.RUNNING.withReadWriteUp(true), 0, 41, "pg-0", T)
                .next();
        assertThat(PoolPause.routed(lost, topology(42, "pg-1")).action()).isEqualTo(Action.RESUME);
        assertThat(PoolPause.routed(lost, topology(41, "pg-0")).action()).isEqualTo(Action.NONE);

        assertThat(PoolPause.tick(lost, T.plusSeconds(19), MAX, FAILOVER_MAX).action())
                .as("max-pause (10 s) is the switchover's bound, not this one's")
                .isEqualTo(Action.NONE);
        Decision late = PoolPause.tick(lost, T.plusSeconds(20), MAX, FAILOVER_MAX);
        assertThat(late.action()).isEqualTo(Action.RESUME);
        assertThat(late.reason()).contains("pgha.renderer.pool.max-failover-pause");
        assertThat(PoolPause.readWriteServers(late.next(), 0, 41, "pg-0", T.plusSeconds(21))
                        .action())
                .as("no primary yet: not paused again before one was seen up")
                .isEqualTo(Action.NONE);
        State upAgain = PoolPause.readWriteServers(late.next(), 1, 42, "pg-1", T.plusSeconds(30))
                .next();
        assertThat(PoolPause.readWriteServers(upAgain, 0, 42, "pg-1", T.plusSeconds(40))
                        .action())
                .as("a later loss pauses again")
                .isEqualTo(Action.PAUSE);
    }

    @Test
    void aSwitchoverPauseIsLeftToTheSwitchoverWhenTheBackendEmptiesAndFillsAgain() {
        State paused = PoolPause.switchoverStarted(
                        State.RUNNING.withReadWriteUp(true), "main", "main", 41, "pg-0", T, 41, T, MAX)
                .next();
        assertThat(paused.cause()).isEqualTo(Cause.SWITCHOVER);
        Decision empty = PoolPause.readWriteServers(paused, 0, 41, "pg-0", T.plusSeconds(1));
        assertThat(empty.action())
                .as("the old primary stops for the switchover")
                .isEqualTo(Action.NONE);
        Decision filled = PoolPause.readWriteServers(empty.next(), 1, 41, "pg-0", T.plusSeconds(2));
        assertThat(filled.action())
                .as("resumed by the topology naming the new leader, not by the backend")
                .isEqualTo(Action.NONE);
        assertThat(filled.next().paused()).isTrue();
        assertThat(PoolPause.switchoverFailed(
                                PoolPause.readWriteServers(State.RUNNING.withReadWriteUp(true), 0, 41, "pg-0", T)
                                        .next(),
                                "main",
                                "main")
                        .action())
                .as("a failed switchover does not end a pause for a lost primary")
                .isEqualTo(Action.NONE);
    }

    private static TopologyChanged topology(long epoch, String leader) {
        return new TopologyChanged("main", epoch, leader, List.of(), List.of(), false, T);
    }
}
