package io.pgha.coordinator.decide;

import static io.pgha.coordinator.decide.Snapshots.healthy;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.Lsn;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** After every node was stopped nobody streams: the order is timeline, LSN, then the last leader. */
class ColdStartTest {
    private static final long MIB = 1024 * 1024;
    private static final Duration GRACE = Duration.ofSeconds(30);
    private final FailoverPolicy async = FailoverPolicy.automatic(MIB, Lsn.parse("0/5000000"), false, Set.of());

    /** A standby started without upstream after a full stop: running, in recovery, no WAL receiver. */
    private static MemberSnapshot stopped(String name, String lsn, long timeline) {
        return Snapshots.timeline(Snapshots.lsns(Snapshots.notStreaming(healthy(name, lsn)), null, lsn), timeline);
    }

    @Test
    void withoutAColdStartNobodyWhoDoesNotStreamIsEligible() {
        // what kept a whole-stopped cluster leaderless forever before
        Ranking ranking = CandidateRanking.rank(List.of(stopped("pg-0", "0/5000000", 1)), async);
        assertThat(ranking.eligible()).isEmpty();
        assertThat(ranking.excluded())
                .extracting(Ranking.Excluded::reason)
                .containsExactly(ExclusionReason.NOT_STREAMING);
    }

    @Test
    void afterAFullStopTheLastLeaderWinsAmongTheMostAdvanced() {
        Ranking ranking = CandidateRanking.rank(
                List.of(
                        stopped("pg-1", "0/5000060", 1),
                        stopped("pg-0", "0/5000060", 1),
                        stopped("pg-2", "0/5000060", 1)),
                async.coldStart("pg-2"));
        assertThat(ranking.eligible()).extracting(MemberSnapshot::name).containsExactly("pg-2", "pg-0", "pg-1");
    }

    @Test
    void timelineBeforeLsnBeforeTheLastLeader() {
        Ranking ranking = CandidateRanking.rank(
                List.of(
                        stopped("pg-0", "0/5000060", 1), // the last leader, but behind
                        stopped("pg-1", "0/5100000", 1),
                        stopped("pg-2", "0/5000100", 2)), // a higher timeline wins over a further LSN
                async.coldStart("pg-0"));
        assertThat(ranking.eligible()).extracting(MemberSnapshot::name).containsExactly("pg-2", "pg-1", "pg-0");
    }

    @Test
    void aMemberRunningAsPrimaryWithoutTheKeyIsNoCandidate() {
        // the bootstrapping member between initdb and taking its leader key
        Ranking ranking = CandidateRanking.rank(
                List.of(Snapshots.role(stopped("pg-0", "0/3000000", 1), "primary")), async.coldStart(null));
        assertThat(ranking.eligible()).isEmpty();
        assertThat(ranking.excluded())
                .extracting(Ranking.Excluded::reason)
                .containsExactly(ExclusionReason.NOT_A_STANDBY);
    }

    @Test
    void theLagRuleStillApplies() {
        Ranking ranking = CandidateRanking.rank(List.of(stopped("pg-1", "0/1000000", 1)), async.coldStart("pg-0"));
        assertThat(ranking.excluded()).extracting(Ranking.Excluded::reason).containsExactly(ExclusionReason.LAG);
    }

    @Test
    void inSynchronousModeOnlyTheLastSyncSetAndItsLeaderMayWin() {
        FailoverPolicy sync =
                FailoverPolicy.automatic(MIB, null, true, Set.of("pg-1")).coldStart("pg-0");
        Ranking ranking = CandidateRanking.rank(
                List.of(
                        stopped("pg-0", "0/5000000", 1),
                        stopped("pg-1", "0/5000000", 1),
                        stopped("pg-2", "0/6000000", 1)),
                sync);
        assertThat(ranking.eligible()).extracting(MemberSnapshot::name).containsExactly("pg-0", "pg-1");
        assertThat(ranking.exclusionOf("pg-2"))
                .map(Ranking.Excluded::detail)
                .contains(
                        "synchronous mode is on and it is not in the synchronous set [pg-1] nor the last leader pg-0");
    }

    @Test
    void inSynchronousModeItWaitsForAHolderOfEveryAcknowledgedCommitHoweverLong() {
        FailoverPolicy sync =
                FailoverPolicy.automatic(MIB, null, true, Set.of("pg-1")).coldStart("pg-0");
        assertThat(ColdStart.awaiting(sync, Set.of("pg-2"), Duration.ofHours(1), GRACE))
                .hasValueSatisfying(reason -> assertThat(reason).contains("[pg-0, pg-1]"));
        assertThat(ColdStart.awaiting(sync, Set.of("pg-2", "pg-1"), Duration.ZERO, GRACE))
                .isEmpty();
    }

    @Test
    void asynchronouslyItWaitsForTheLastLeaderOnlyUpToTheGrace() {
        FailoverPolicy policy = async.coldStart("pg-0");
        assertThat(ColdStart.awaiting(policy, Set.of("pg-1", "pg-2"), Duration.ofSeconds(5), GRACE))
                .hasValueSatisfying(reason -> assertThat(reason).contains("pg-0, the last leader"));
        assertThat(ColdStart.awaiting(policy, Set.of("pg-1", "pg-2"), GRACE, GRACE))
                .isEmpty();
        assertThat(ColdStart.awaiting(policy, Set.of("pg-0"), Duration.ZERO, GRACE))
                .isEmpty();
        assertThat(ColdStart.awaiting(async.coldStart(null), Set.of("pg-1"), Duration.ZERO, GRACE))
                .isEmpty();
    }
}
