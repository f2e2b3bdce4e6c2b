package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HaDecisionTest {
    private static final long START_TIMEOUT = Duration.ofSeconds(10).toNanos();

    private static Observation obs(
            Optional<String> leader,
            boolean mine,
            boolean running,
            boolean accepting,
            boolean recovery,
            Optional<String> following,
            boolean diverged,
            Optional<Long> crashedFor) {
        return new Observation(
                "a",
                true,
                leader,
                mine,
                true,
                running,
                accepting,
                recovery,
                following,
                diverged,
                crashedFor,
                START_TIMEOUT,
                Optional.empty(),
                false);
    }

    @Test
    void theLeaderRunningAsPrimaryOnlyKeepsSlots() {
        assertThat(HaDecision.decide(
                        obs(Optional.of("a"), true, true, true, false, Optional.empty(), true, Optional.empty())))
                .containsExactly(new Action.EnsureSlots());
    }

    @Test
    void namedInTheLeaderKeyWhileStandbyPromotesThenCreatesSlots() {
        assertThat(HaDecision.decide(
                        obs(Optional.of("a"), true, true, true, true, Optional.of("b"), false, Optional.empty())))
                .containsExactly(new Action.Promote(), new Action.EnsureSlots());
    }

    @Test
    void aCrashedPrimaryIsRestartedInPlaceThenReleasesTheKeyAfterPrimaryStartTimeout() {
        assertThat(HaDecision.decide(
                        obs(Optional.of("a"), true, false, false, false, Optional.empty(), true, Optional.of(1L))))
                .containsExactly(new Action.StartPrimary());
        assertThat(HaDecision.decide(obs(
                        Optional.of("a"),
                        true,
                        true,
                        false,
                        false,
                        Optional.empty(),
                        true,
                        Optional.of(START_TIMEOUT))))
                .singleElement()
                .isInstanceOf(Action.ReleaseLeader.class);
        assertThat(HaDecision.decide(obs(
                        Optional.of("a"),
                        true,
                        false,
                        false,
                        false,
                        Optional.empty(),
                        true,
                        Optional.of(START_TIMEOUT))))
                .singleElement()
                .isInstanceOf(Action.ReleaseLeader.class);
    }

    @Test
    void anotherLeaderIsFollowedByReloadOrRewindWhenThisOneMayHaveDiverged() {
        assertThat(HaDecision.decide(
                        obs(Optional.of("b"), false, true, true, true, Optional.of("c"), false, Optional.empty())))
                .containsExactly(new Action.Follow("b"));
        assertThat(HaDecision.decide(
                        obs(Optional.of("b"), false, true, true, true, Optional.of("b"), false, Optional.empty())))
                .isEmpty();
        assertThat(HaDecision.decide(
                        obs(Optional.of("b"), false, true, true, false, Optional.empty(), true, Optional.empty())))
                .containsExactly(new Action.RewindAndFollow("b"));
        assertThat(HaDecision.decide(
                        obs(Optional.of("b"), false, true, true, true, Optional.empty(), true, Optional.empty())))
                .containsExactly(new Action.RewindAndFollow("b"));
        assertThat(HaDecision.decide(
                        obs(Optional.of("b"), false, false, false, false, Optional.empty(), false, Optional.empty())))
                .containsExactly(new Action.StartStandby("b"));
    }

    @Test
    void aPlannedHandoverIsDoneOnlyByTheRunningLeader() {
        Observation leader = new Observation(
                "a",
                true,
                Optional.of("a"),
                true,
                true,
                true,
                true,
                false,
                Optional.empty(),
                true,
                Optional.empty(),
                START_TIMEOUT,
                Optional.of("b"),
                false);
        assertThat(HaDecision.decide(leader)).containsExactly(new Action.HandOver("b"));
    }

    @Test
    void aPrimaryWithoutTheLeaderKeyDemotes() {
        assertThat(HaDecision.decide(
                        obs(Optional.empty(), false, true, true, false, Optional.empty(), true, Optional.empty())))
                .singleElement()
                .isInstanceOf(Action.Demote.class);
        // a stale key naming this member under an old lease is no leader either
        assertThat(HaDecision.decide(
                        obs(Optional.of("a"), false, true, true, false, Optional.empty(), true, Optional.empty())))
                .singleElement()
                .isInstanceOf(Action.Demote.class);
    }

    @Test
    void withoutEtcdNothingIsPromotedOrFollowed() {
        Observation o = new Observation(
                "a",
                false,
                Optional.of("a"),
                true,
                true,
                true,
                true,
                true,
                Optional.empty(),
                false,
                Optional.empty(),
                START_TIMEOUT,
                Optional.empty(),
                false);
        assertThat(HaDecision.decide(o)).isEmpty();
        Observation crashed = new Observation(
                "a",
                false,
                Optional.empty(),
                false,
                false,
                false,
                false,
                false,
                Optional.empty(),
                true,
                Optional.of(1L),
                START_TIMEOUT,
                Optional.empty(),
                false);
        assertThat(HaDecision.decide(crashed)).isEmpty();
    }
}
