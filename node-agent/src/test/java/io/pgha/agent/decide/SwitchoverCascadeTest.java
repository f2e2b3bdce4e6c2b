package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SwitchoverCascadeTest {
    private static final Switchover DUE = new Switchover("b", "c");
    private static final Switchover HANDED_OVER = DUE.handedOverAt("0/3000028");

    private static Optional<String> upstream(
            String me, Optional<String> leader, Switchover s, Set<String> waitsFor, boolean streamable) {
        return SwitchoverCascade.upstream(
                new SwitchoverCascade.Seen(me, leader, Optional.ofNullable(s), waitsFor, streamable));
    }

    @Test
    void aStandbyNoCommitWaitsForStreamsFromTheCandidateAsSoonAsTheSwitchoverIsDue() {
        assertThat(upstream("a", Optional.of("b"), DUE, Set.of(), true)).contains("c");
        assertThat(upstream("a", Optional.of("b"), DUE, Set.of("c"), true)).contains("c");
        assertThat(upstream("a", Optional.of("b"), HANDED_OVER, Set.of("c"), true))
                .contains("c");
    }

    @Test
    void aStandbyTheOldPrimaryMayWaitForMovesOnlyOnceTheSwitchoverIsHandedOver() {
        assertThat(upstream("a", Optional.of("b"), DUE, Set.of("a", "c"), true)).isEmpty();
        assertThat(upstream("a", Optional.of("b"), DUE, Set.of(SyncSet.ANY_STANDBY), true))
                .as("any standby counts (or the set could not be read): it may be this one")
                .isEmpty();
        // handed over: the old primary is shut down and the candidate has its shutdown checkpoint
        assertThat(upstream("a", Optional.empty(), HANDED_OVER, Set.of("a", "c"), true))
                .contains("c");
        assertThat(upstream("a", Optional.of("b"), HANDED_OVER, Set.of("a"), true))
                .contains("c");
    }

    @Test
    void onlyAThirdMemberOfADueSwitchoverWhoseLeaderStillHoldsOrJustReleasedTheKeyMoves() {
        assertThat(upstream("b", Optional.of("b"), DUE, Set.of(), true))
                .as("the old leader")
                .isEmpty();
        assertThat(upstream("c", Optional.of("b"), DUE, Set.of(), true))
                .as("the candidate")
                .isEmpty();
        assertThat(upstream("a", Optional.of("b"), null, Set.of(), true))
                .as("no switchover")
                .isEmpty();
        assertThat(upstream("a", Optional.of("b"), new Switchover("b", "c", "2026-12-04T20:00:00Z"), Set.of(), true))
                .as("scheduled, not due")
                .isEmpty();
        assertThat(upstream("a", Optional.of("b"), new Switchover("b", null), Set.of(), true))
                .as("no candidate named")
                .isEmpty();
        assertThat(upstream("a", Optional.of("c"), HANDED_OVER, Set.of(), true))
                .as("the candidate leads: it is followed as the leader")
                .isEmpty();
        assertThat(upstream("a", Optional.of("d"), DUE, Set.of(), true))
                .as("a stale key for another leader")
                .isEmpty();
        assertThat(upstream("a", Optional.empty(), DUE, Set.of(), true))
                .as("no leader key and not handed over: the old leader died, a failover follows")
                .isEmpty();
    }

    @Test
    void theOldPrimaryWaitsForWhatItAppliedAndWhatTheSyncKeyNamesForIt() {
        assertThat(SwitchoverCascade.leaderWaitsFor(
                        Optional.of("FIRST 1 (\"a\")"), "b", Optional.of("{\"leader\":\"b\",\"sync_standby\":\"c\"}")))
                .containsExactlyInAnyOrder("a", "c");
        assertThat(SwitchoverCascade.leaderWaitsFor(
                        Optional.empty(), "b", Optional.of("{\"leader\":\"x\",\"sync_standby\":\"a\"}")))
                .as("a sync key written for another leader")
                .isEmpty();
        assertThat(SwitchoverCascade.leaderWaitsFor(Optional.of("*"), "b", Optional.empty()))
                .containsExactly(SyncSet.ANY_STANDBY);
        assertThat(SwitchoverCascade.leaderWaitsFor(Optional.empty(), "b", Optional.of("not json")))
                .as("an unreadable sync key may name anyone")
                .containsExactly(SyncSet.ANY_STANDBY);
        assertThat(SwitchoverCascade.leaderWaitsFor(Optional.empty(), "b", Optional.empty()))
                .isEmpty();
    }

    @Test
    void aCandidateThatDoesNotRunAsAReplicaWithAnAddressIsNotStreamedFrom() {
        assertThat(upstream("a", Optional.of("b"), DUE, Set.of(), false)).isEmpty();
    }
}
