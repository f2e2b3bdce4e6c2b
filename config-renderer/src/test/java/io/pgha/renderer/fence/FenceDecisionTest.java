package io.pgha.renderer.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.Detach;
import io.pgha.renderer.fence.FenceDecision.Action;
import io.pgha.renderer.fence.FenceDecision.Facts;
import io.pgha.renderer.fence.FenceDecision.Leader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FenceDecisionTest {
    private static final Detach DETACH = new Detach(7, "pg-0");

    @Test
    void aDetachForTheCurrentLeaderKeyFencesItsLeader() {
        assertThat(FenceDecision.decide(new Facts(DETACH, 30, new Leader("pg-0", 7), Map.of())))
                .singleElement()
                .isInstanceOfSatisfying(Action.Fence.class, f -> {
                    assertThat(f.member()).isEqualTo("pg-0");
                    assertThat(f.epoch()).isEqualTo(7);
                });
    }

    @Test
    void alreadyFencedForThatEpochNothingMore() {
        assertThat(FenceDecision.decide(
                        new Facts(DETACH, 30, new Leader("pg-0", 7), Map.of("pg-0", new FenceDecision.Fence(7, 30)))))
                .isEmpty();
    }

    @Test
    void aLaterDetachOfTheSameEpochIsFencedAgain() {
        // an abandoned /detach's fence (lifted meanwhile, or not) never stands for a new one
        assertThat(FenceDecision.decide(
                        new Facts(DETACH, 31, new Leader("pg-0", 7), Map.of("pg-0", new FenceDecision.Fence(7, 30)))))
                .singleElement()
                .isInstanceOfSatisfying(
                        Action.Fence.class, f -> assertThat(f.detachRevision()).isEqualTo(31));
    }

    @Test
    void aNewerDetachOfTheSameMemberFencesAgainForItsEpoch() {
        Detach later = new Detach(12, "pg-0");
        assertThat(FenceDecision.decide(
                        new Facts(later, 40, new Leader("pg-0", 12), Map.of("pg-0", new FenceDecision.Fence(7, 30)))))
                .singleElement()
                .isInstanceOfSatisfying(
                        Action.Fence.class, f -> assertThat(f.epoch()).isEqualTo(12));
    }

    @Test
    void aDetachWithoutLeaderKeyStillFences() {
        // fencing a member that leads nothing costs nothing; a delete seen late must not leave it routed
        assertThat(FenceDecision.decide(new Facts(DETACH, 30, null, Map.of())))
                .singleElement()
                .isInstanceOf(Action.Fence.class);
    }

    @Test
    void aStaleDetachForAnotherEpochOfTheSameLeaderIsNotFenced() {
        assertThat(FenceDecision.decide(new Facts(DETACH, 30, new Leader("pg-0", 9), Map.of())))
                .isEmpty();
    }

    @Test
    void quorumCommitsLeaderlessDetachIsNotAFence() {
        assertThat(FenceDecision.decide(new Facts(Detach.whileLeaderless(7, "pg-0"), 30, null, Map.of())))
                .isEmpty();
    }

    @Test
    void abandonedTheLeaderKeyOfThatEpochWithoutDetachLiftsTheFence() {
        assertThat(FenceDecision.decide(
                        new Facts(null, 0, new Leader("pg-0", 7), Map.of("pg-0", new FenceDecision.Fence(7, 30)))))
                .singleElement()
                .isInstanceOfSatisfying(Action.Lift.class, l -> {
                    assertThat(l.member()).isEqualTo("pg-0");
                    assertThat(l.why()).contains("abandoned");
                });
    }

    @Test
    void detachGoneWithTheLeaderKeyKeepsTheFence() {
        // the fast failover went through: pg-0 may answer /primary until its own fencing deadline
        assertThat(FenceDecision.decide(new Facts(null, 0, null, Map.of("pg-0", new FenceDecision.Fence(7, 30)))))
                .isEmpty();
        assertThat(FenceDecision.decide(
                        new Facts(null, 0, new Leader("pg-1", 9), Map.of("pg-0", new FenceDecision.Fence(7, 30)))))
                .isEmpty();
    }

    @Test
    void theFencedMemberElectedAgainLaterIsLifted() {
        assertThat(FenceDecision.decide(
                        new Facts(null, 0, new Leader("pg-0", 20), Map.of("pg-0", new FenceDecision.Fence(7, 30)))))
                .singleElement()
                .isInstanceOfSatisfying(
                        Action.Lift.class, l -> assertThat(l.why()).contains("again"));
    }

    @Test
    void whileTheDetachAppliesTheFenceStays() {
        assertThat(FenceDecision.decide(
                        new Facts(DETACH, 30, new Leader("pg-0", 7), Map.of("pg-0", new FenceDecision.Fence(7, 30)))))
                .isEmpty();
    }

    @Test
    void anOlderFenceStaysWhileANewLeaderIsFencedToo() {
        Detach second = new Detach(9, "pg-1");
        assertThat(FenceDecision.decide(
                        new Facts(second, 40, new Leader("pg-1", 9), Map.of("pg-0", new FenceDecision.Fence(7, 30)))))
                .singleElement()
                .isInstanceOfSatisfying(
                        Action.Fence.class, f -> assertThat(f.member()).isEqualTo("pg-1"));
    }
}
