package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A standby never follows the leader a {@code /detach} names while that order applies. */
class DetachDecisionTest {
    private static final long EPOCH = 42;

    /** Member "a", the leader key naming "l" (its member key says primary, with an address). */
    private static Observation standby(
            boolean running, boolean accepting, boolean recovery, Optional<String> following, boolean diverged) {
        return new Observation(
                        "a",
                        true,
                        Optional.of("l"),
                        false,
                        true,
                        true,
                        running,
                        accepting,
                        recovery,
                        following,
                        diverged,
                        Optional.empty(),
                        Duration.ofSeconds(10).toNanos(),
                        Optional.empty(),
                        false,
                        false)
                .withDetach(Optional.of(EPOCH), Optional.empty());
    }

    @Test
    void aStreamingStandbyDetaches() {
        assertThat(HaDecision.decide(standby(true, true, true, Optional.of("l"), false)))
                .containsExactly(new Action.Detach("l", EPOCH));
    }

    @Test
    void anAgentThatRestartedDetachesAgainThoughItFollowsNobodyItKnowsOf() {
        // after a restart the agent does not know what pgha.conf names: it detaches (idempotent) and reports
        assertThat(HaDecision.decide(standby(true, true, true, Optional.empty(), false)))
                .containsExactly(new Action.Detach("l", EPOCH));
    }

    @Test
    void detachedAndReportedWaitsForTheCoordinator() {
        Observation done =
                standby(true, true, true, Optional.empty(), false).withDetach(Optional.of(EPOCH), Optional.of(EPOCH));
        assertThat(HaDecision.decide(done)).isEmpty();
        // a report of an older epoch does not count
        Observation old = standby(true, true, true, Optional.empty(), false)
                .withDetach(Optional.of(EPOCH), Optional.of(EPOCH - 1));
        assertThat(HaDecision.decide(old)).containsExactly(new Action.Detach("l", EPOCH));
    }

    @Test
    void aStoppedOrCrashedStandbyStartsWithoutUpstreamNeverAsTheLeadersStandby() {
        assertThat(HaDecision.decide(standby(false, false, false, Optional.of("l"), false)))
                .containsExactly(new Action.StartStandby(null));
        // a diverged data directory is not rewound from (and so not pointed at) the leader either
        assertThat(HaDecision.decide(standby(false, false, false, Optional.empty(), true)))
                .containsExactly(new Action.StartStandby(null));
        assertThat(HaDecision.decide(standby(true, true, true, Optional.empty(), true)))
                .containsExactly(new Action.Detach("l", EPOCH));
    }

    @Test
    void withoutTheOrderTheSameStandbyFollowsAsEver() {
        Observation o =
                standby(true, true, true, Optional.empty(), false).withDetach(Optional.empty(), Optional.empty());
        assertThat(HaDecision.decide(o)).containsExactly(new Action.Follow("l"));
        Observation stopped =
                standby(false, false, false, Optional.empty(), false).withDetach(Optional.empty(), Optional.empty());
        assertThat(HaDecision.decide(stopped)).containsExactly(new Action.StartStandby("l"));
    }

    @Test
    void aMemberRunningAsPrimaryUnderAnotherLeaderIsDemotedNotPointedAtIt() {
        assertThat(HaDecision.decide(standby(true, true, false, Optional.empty(), true)))
                .singleElement()
                .isInstanceOf(Action.Demote.class);
        assertThat(HaDecision.decide(standby(true, false, true, Optional.of("l"), false)))
                .isEmpty(); // starting: look again next run
    }

    @Test
    void pausedItStillNeverFollowsTheLeader() {
        Observation paused = standby(true, true, true, Optional.of("l"), false).withPaused(true);
        assertThat(HaDecision.decide(paused)).containsExactly(new Action.Detach("l", EPOCH));
        Observation stopped =
                standby(false, false, false, Optional.empty(), false).withPaused(true);
        assertThat(HaDecision.decide(stopped)).isEmpty();
    }

    @Test
    void theLeaderItselfIgnoresTheOrder() {
        Observation leader = new Observation(
                        "l",
                        true,
                        Optional.of("l"),
                        true,
                        true,
                        true,
                        true,
                        true,
                        false,
                        Optional.empty(),
                        true,
                        Optional.empty(),
                        Duration.ofSeconds(10).toNanos(),
                        Optional.empty(),
                        false,
                        false)
                .withDetach(Optional.of(EPOCH), Optional.empty());
        assertThat(HaDecision.decide(leader)).containsExactly(new Action.EnsureSlots());
    }

    /** Member "a" with no leader key (quorum commit's leaderless order, when {@code epoch} is present). */
    private static Observation leaderless(
            boolean running, boolean accepting, boolean recovery, Optional<String> following, Optional<Long> epoch) {
        return new Observation(
                        "a",
                        true,
                        Optional.empty(),
                        false,
                        false,
                        false,
                        running,
                        accepting,
                        recovery,
                        following,
                        false,
                        Optional.empty(),
                        Duration.ofSeconds(10).toNanos(),
                        Optional.empty(),
                        false,
                        false)
                .withDetach(epoch, Optional.empty());
    }

    @Test
    void withoutALeaderKeyAQuorumOrderDetachesTheStandbyFromTheLostPrimary() {
        assertThat(HaDecision.decide(leaderless(true, true, true, Optional.of("l"), Optional.of(EPOCH))))
                .containsExactly(new Action.Detach("l", EPOCH));
        // without the order a standby with no leader key keeps what it does (it may follow the old primary)
        assertThat(HaDecision.decide(leaderless(true, true, true, Optional.of("l"), Optional.empty())))
                .isEmpty();
        // reported: waits for the coordinator
        Observation reported = leaderless(true, true, true, Optional.empty(), Optional.of(EPOCH))
                .withDetach(Optional.of(EPOCH), Optional.of(EPOCH));
        assertThat(HaDecision.decide(reported)).isEmpty();
        // a stopped member starts without upstream
        assertThat(HaDecision.decide(leaderless(false, false, false, Optional.empty(), Optional.of(EPOCH))))
                .containsExactly(new Action.StartStandby(null));
    }

    @Test
    void withoutALeaderKeyAPrimaryIsDemotedAsEverWhateverTheOrder() {
        assertThat(HaDecision.decide(leaderless(true, true, false, Optional.empty(), Optional.of(EPOCH))))
                .containsExactly(new Action.Demote("the leader key does not name this member"));
    }
}
