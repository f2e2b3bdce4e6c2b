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
                true,
                running,
                accepting,
                recovery,
                following,
                diverged,
                crashedFor,
                START_TIMEOUT,
                Optional.empty(),
                false,
                false);
    }

    /** The same observation, with the leader's member key not (yet) saying it runs as primary. */
    private static Observation leaderNotPromoted(Observation o) {
        return new Observation(
                o.me(),
                o.etcdReachable(),
                o.leader(),
                o.leaderIsMine(),
                o.leaderHasAddress(),
                false,
                o.pgRunning(),
                o.pgAccepting(),
                o.inRecovery(),
                o.following(),
                o.mayHaveDiverged(),
                o.crashedPrimaryFor(),
                o.primaryStartTimeoutNanos(),
                o.handoverTo(),
                o.fenced(),
                o.paused());
    }

    /**
     * Found by the chaos suite (async, seed -3323129162596671228): a fenced old primary rewound from
     * the new leader before it had promoted; pg_rewind saw one timeline and did nothing, and the
     * standby never could follow the new timeline. It now waits for the promotion.
     */
    @Test
    void aDivergedMemberRewindsOnlyFromALeaderThatRunsAsPrimary() {
        Observation standbyNotFollowing =
                obs(Optional.of("b"), false, true, true, true, Optional.empty(), true, Optional.empty());
        assertThat(HaDecision.decide(leaderNotPromoted(standbyNotFollowing)))
                .singleElement()
                .isInstanceOf(Action.Hold.class);
        assertThat(HaDecision.decide(standbyNotFollowing)).containsExactly(new Action.RewindAndFollow("b"));

        Observation stopped =
                obs(Optional.of("b"), false, false, false, false, Optional.empty(), true, Optional.empty());
        assertThat(HaDecision.decide(leaderNotPromoted(stopped)))
                .singleElement()
                .isInstanceOf(Action.Hold.class);
        assertThat(HaDecision.decide(stopped)).containsExactly(new Action.RewindAndFollow("b"));

        // still writable while another member holds the key: writes stop at once, the rewind waits
        Observation writable =
                obs(Optional.of("b"), false, true, true, false, Optional.empty(), true, Optional.empty());
        assertThat(HaDecision.decide(leaderNotPromoted(writable)))
                .singleElement()
                .isInstanceOf(Action.Demote.class);

        // a member that never ran as primary follows a leader still promoting (nothing to rewind)
        Observation clean = obs(Optional.of("b"), false, true, true, true, Optional.of("c"), false, Optional.empty());
        assertThat(HaDecision.decide(leaderNotPromoted(clean))).containsExactly(new Action.Follow("b"));
    }

    @Test
    void duringASwitchoverAStandbyStreamsFromTheCandidateUntilTheCandidateLeads() {
        // a follows b (the leader); the switchover's candidate is c
        Observation followingLeader =
                obs(Optional.of("b"), false, true, true, true, Optional.of("b"), false, Optional.empty());
        assertThat(HaDecision.decide(followingLeader)).containsExactly(new Action.SyncSlots("b"));
        assertThat(HaDecision.decide(followingLeader.withCascadeTo(Optional.of("c"))))
                .containsExactly(new Action.Follow("c"));

        // streaming from the candidate: nothing to do, no slot upkeep from the leader meanwhile
        Observation cascading =
                obs(Optional.of("b"), false, true, true, true, Optional.of("c"), false, Optional.empty());
        assertThat(HaDecision.decide(cascading.withCascadeTo(Optional.of("c")))).isEmpty();
        // the switchover was abandoned (no cascade any more): back to the leader
        assertThat(HaDecision.decide(cascading)).containsExactly(new Action.Follow("b"));
        // the candidate got the key: already following it
        assertThat(HaDecision.decide(
                        obs(Optional.of("c"), false, true, true, true, Optional.of("c"), false, Optional.empty())))
                .containsExactly(new Action.SyncSlots("c"));

        // the old leader released the key (no leader key yet): a standby moves to the candidate
        Observation leaderless =
                obs(Optional.empty(), false, true, true, true, Optional.of("b"), false, Optional.empty());
        assertThat(HaDecision.decide(leaderless)).isEmpty();
        assertThat(HaDecision.decide(leaderless.withCascadeTo(Optional.of("c"))))
                .containsExactly(new Action.Follow("c"));

        // a data directory that may have diverged is never cascaded: the rewind logic decides, as before
        Observation diverged = obs(Optional.of("b"), false, true, true, true, Optional.of("b"), true, Optional.empty());
        assertThat(HaDecision.decide(diverged.withCascadeTo(Optional.of("c")))).isEqualTo(HaDecision.decide(diverged));
        Observation divergedLeaderless =
                obs(Optional.empty(), false, true, true, true, Optional.of("b"), true, Optional.empty());
        assertThat(HaDecision.decide(divergedLeaderless.withCascadeTo(Optional.of("c"))))
                .isEmpty();
        // paused: as before
        assertThat(HaDecision.decide(followingLeader.withPaused(true).withCascadeTo(Optional.of("c"))))
                .isEqualTo(HaDecision.decide(followingLeader.withPaused(true)));
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
                .as("a running postmaster that does not answer may be a writable primary: demoted before the key goes")
                .extracting(Object::getClass)
                .containsExactly(Action.Demote.class, Action.ReleaseLeader.class);
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
    void aStandbyFollowingTheLeaderButFoundPastItsTimelineForkIsRewound() {
        // following b, and the loop found this standby replayed past where b's timeline forked off
        Observation forked = obs(Optional.of("b"), false, true, true, true, Optional.of("b"), true, Optional.empty());
        assertThat(HaDecision.decide(forked)).containsExactly(new Action.RewindAndFollow("b"));
        assertThat(HaDecision.decide(leaderNotPromoted(forked))).singleElement().isInstanceOf(Action.Hold.class);
        Observation following =
                obs(Optional.of("b"), false, true, true, true, Optional.of("b"), false, Optional.empty());
        // a standby in step with the leader keeps its permanent slots in step too
        assertThat(HaDecision.decide(following)).containsExactly(new Action.SyncSlots("b"));
        assertThat(HaDecision.decide(leaderNotPromoted(following))).isEmpty();
    }

    @Test
    void anotherLeaderIsFollowedByReloadOrRewindWhenThisOneMayHaveDiverged() {
        assertThat(HaDecision.decide(
                        obs(Optional.of("b"), false, true, true, true, Optional.of("c"), false, Optional.empty())))
                .containsExactly(new Action.Follow("b"));
        assertThat(HaDecision.decide(
                        obs(Optional.of("b"), false, true, true, true, Optional.of("b"), false, Optional.empty())))
                .containsExactly(new Action.SyncSlots("b"));
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
                true,
                false,
                Optional.empty(),
                true,
                Optional.empty(),
                START_TIMEOUT,
                Optional.of("b"),
                false,
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
                true,
                Optional.empty(),
                false,
                Optional.empty(),
                START_TIMEOUT,
                Optional.empty(),
                false,
                false);
        assertThat(HaDecision.decide(o)).isEmpty();
        Observation crashed = new Observation(
                "a",
                false,
                Optional.empty(),
                false,
                false,
                true,
                false,
                false,
                false,
                Optional.empty(),
                true,
                Optional.of(1L),
                START_TIMEOUT,
                Optional.empty(),
                false,
                false);
        assertThat(HaDecision.decide(crashed)).isEmpty();
    }

    // --- pause (maintenance), as in Patroni ---

    private static Observation paused(Observation o) {
        return o.withPaused(true);
    }

    @Test
    void pausedAStoppedPostgresIsNotStartedWhateverTheLeaderKeySays() {
        for (Optional<String> leader : java.util.List.of(Optional.<String>empty(), Optional.of("b"))) {
            assertThat(HaDecision.decide(
                            paused(obs(leader, false, false, false, false, Optional.empty(), false, Optional.empty()))))
                    .as("leader %s", leader)
                    .isEmpty();
        }
        Observation noEtcd = new Observation(
                "a",
                false,
                Optional.empty(),
                false,
                false,
                true,
                false,
                false,
                false,
                Optional.of("b"),
                false,
                Optional.empty(),
                START_TIMEOUT,
                Optional.empty(),
                false,
                true);
        assertThat(HaDecision.decide(noEtcd)).isEmpty();
    }

    @Test
    void pausedTheLeaderWhosePostgresStoppedReleasesTheKeyInsteadOfRestartingIt() {
        assertThat(HaDecision.decide(paused(
                        obs(Optional.of("a"), true, false, false, false, Optional.empty(), true, Optional.of(1L)))))
                .singleElement()
                .isInstanceOf(Action.ReleaseLeader.class);
        // running but not yet accepting: no deadline while paused
        assertThat(HaDecision.decide(paused(obs(
                        Optional.of("a"),
                        true,
                        true,
                        false,
                        false,
                        Optional.empty(),
                        true,
                        Optional.of(START_TIMEOUT * 5)))))
                .isEmpty();
    }

    @Test
    void pausedAPrimaryWithoutTheKeyIsNotDemotedItTakesTheVacantKey() {
        assertThat(HaDecision.decide(paused(
                        obs(Optional.empty(), false, true, true, false, Optional.empty(), true, Optional.empty()))))
                .containsExactly(new Action.AcquireLeader());
    }

    @Test
    void pausedAPrimaryWhileAnotherMemberHoldsTheKeyIsNeitherDemotedNorRewoundOnlyWarned() {
        assertThat(HaDecision.decide(paused(
                        obs(Optional.of("b"), false, true, true, false, Optional.empty(), true, Optional.empty()))))
                .singleElement()
                .isInstanceOf(Action.Hold.class);
        // a standby that may have diverged is not rewound while paused either
        assertThat(HaDecision.decide(paused(
                        obs(Optional.of("b"), false, true, true, true, Optional.empty(), true, Optional.empty()))))
                .singleElement()
                .isInstanceOf(Action.Hold.class);
        // a standby that has not diverged still follows the new leader (a reload, no restart)
        assertThat(HaDecision.decide(paused(
                        obs(Optional.of("b"), false, true, true, true, Optional.of("c"), false, Optional.empty()))))
                .containsExactly(new Action.Follow("b"));
    }

    @Test
    void pausedTheLeaderKeyHolderStillPromotesHandsOverAndKeepsSlots() {
        // the coordinator writes the key while paused only for a manual failover or switchover
        assertThat(HaDecision.decide(paused(
                        obs(Optional.of("a"), true, true, true, true, Optional.of("b"), false, Optional.empty()))))
                .containsExactly(new Action.Promote(), new Action.EnsureSlots());
        assertThat(HaDecision.decide(paused(
                        obs(Optional.of("a"), true, true, true, false, Optional.empty(), true, Optional.empty()))))
                .containsExactly(new Action.EnsureSlots());
    }

    @Test
    void aStandbyThatConfirmedAnotherPrimaryWithinTtlReleasesTheKeyWrittenForItWithoutPromoting() {
        Observation named = obs(Optional.of("a"), true, true, true, true, Optional.of("b"), false, Optional.empty());
        String why = "failsafe: b was confirmed as the running primary 500 ms ago";
        assertThat(HaDecision.decide(named.withFailsafeRefusal(Optional.of(why))))
                .containsExactly(new Action.ReleaseLeader(why));
        assertThat(HaDecision.decide(named.withPaused(true).withFailsafeRefusal(Optional.of(why))))
                .containsExactly(new Action.ReleaseLeader(why));
        assertThat(HaDecision.decide(named.withFailsafeRefusal(Optional.empty())))
                .containsExactly(new Action.Promote(), new Action.EnsureSlots());
        // not named: the refusal changes nothing
        Observation following =
                obs(Optional.of("b"), false, true, true, true, Optional.of("b"), false, Optional.empty());
        assertThat(HaDecision.decide(following.withFailsafeRefusal(Optional.of(why))))
                .isEqualTo(HaDecision.decide(following));
    }
}
