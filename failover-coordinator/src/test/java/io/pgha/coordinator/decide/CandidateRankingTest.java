package io.pgha.coordinator.decide;

import static io.pgha.coordinator.decide.Snapshots.healthy;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.Lsn;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidateRankingTest {
    private static final long MIB = 1024 * 1024;
    private final FailoverPolicy policy = FailoverPolicy.automatic(MIB, Lsn.parse("0/5000000"), false, Set.of());

    @Test
    void mostAdvancedWalFirstThenPriorityThenName() {
        MemberSnapshot behind = healthy("a", "0/4F00000");
        MemberSnapshot aheadLowPriority = healthy("b", "0/5000000");
        MemberSnapshot aheadHighPriority = Snapshots.withPriority(healthy("c", "0/5000000"), 5);
        MemberSnapshot aheadSamePriorityLaterName = healthy("d", "0/5000000");

        Ranking ranking = CandidateRanking.rank(
                List.of(behind, aheadSamePriorityLaterName, aheadLowPriority, aheadHighPriority), policy);

        assertThat(ranking.eligible()).extracting(MemberSnapshot::name).containsExactly("c", "b", "d", "a");
        assertThat(ranking.excluded()).isEmpty();
        assertThat(ranking.best()).map(MemberSnapshot::name).contains("c");
    }

    @Test
    void walPositionIsTheGreaterOfReceivedAndReplayed() {
        MemberSnapshot receivedMore = Snapshots.lsns(healthy("a", "0/0"), "0/5000000", "0/4000000");
        MemberSnapshot replayedMore = Snapshots.lsns(healthy("b", "0/0"), "0/3000000", "0/4800000");
        FailoverPolicy noLagRule = FailoverPolicy.automatic(MIB, null, false, Set.of());
        assertThat(CandidateRanking.rank(List.of(replayedMore, receivedMore), noLagRule)
                        .eligible())
                .extracting(MemberSnapshot::name)
                .containsExactly("a", "b");
    }

    @Test
    void everyExclusionReasonIsReportedMemberByMember() {
        List<MemberSnapshot> members = List.of(
                Snapshots.agentSilent(healthy("agent-silent", "0/5000000")),
                Snapshots.nofailover(healthy("tagged", "0/5000000")),
                Snapshots.withPriority(healthy("priority-zero", "0/5000000"), 0),
                Snapshots.state(healthy("stopped", "0/5000000"), "stopped"),
                Snapshots.notStreaming(healthy("not-streaming", "0/5000000")),
                Snapshots.monitor(healthy("monitor-down", "0/5000000"), Optional.of(false), "timeout"),
                healthy("lagging", "0/4000000"),
                Snapshots.lsns(healthy("lsn-unknown", "0/0"), null, null));

        Ranking ranking = CandidateRanking.rank(members, policy);

        assertThat(ranking.eligible()).isEmpty();
        assertThat(reason(ranking, "agent-silent")).isEqualTo(ExclusionReason.AGENT_UNREACHABLE);
        assertThat(reason(ranking, "tagged")).isEqualTo(ExclusionReason.NOFAILOVER);
        assertThat(reason(ranking, "priority-zero")).isEqualTo(ExclusionReason.FAILOVER_PRIORITY);
        assertThat(reason(ranking, "stopped")).isEqualTo(ExclusionReason.NOT_RUNNING);
        assertThat(reason(ranking, "not-streaming")).isEqualTo(ExclusionReason.NOT_STREAMING);
        assertThat(reason(ranking, "monitor-down")).isEqualTo(ExclusionReason.MONITOR_UNREACHABLE);
        assertThat(reason(ranking, "lagging")).isEqualTo(ExclusionReason.LAG);
        assertThat(reason(ranking, "lsn-unknown")).isEqualTo(ExclusionReason.LAG);
        assertThat(ranking.exclusionOf("lagging").orElseThrow().detail())
                .isEqualTo("it is 16777216 bytes behind the last leader position 0/5000000,"
                        + " more than maximum_lag_on_failover (1048576 bytes)");
        assertThat(ranking.exclusionOf("agent-silent").orElseThrow().detail())
                .contains("did not answer /patroni")
                .contains("connect timed out after 2 s");
        assertThat(ranking.exclusionsForEvent()).hasSize(8);
    }

    @Test
    void aMemberWithoutHealthMonitorViewIsNotExcludedForThatAlone() {
        MemberSnapshot unseen = Snapshots.monitor(healthy("unseen", "0/5000000"), Optional.empty(), null);
        assertThat(CandidateRanking.rank(List.of(unseen), policy).eligible()).hasSize(1);
    }

    @Test
    void synchronousModeAdmitsOnlyTheSyncSet() {
        FailoverPolicy sync = FailoverPolicy.automatic(MIB, Lsn.parse("0/5000000"), true, Set.of("b"));
        Ranking ranking = CandidateRanking.rank(List.of(healthy("a", "0/5000000"), healthy("b", "0/4F80000")), sync);

        assertThat(ranking.eligible()).extracting(MemberSnapshot::name).containsExactly("b");
        assertThat(ranking.exclusionOf("a").orElseThrow().reason()).isEqualTo(ExclusionReason.NOT_SYNCHRONOUS);
        assertThat(ranking.exclusionOf("a").orElseThrow().detail()).contains("[b]");
    }

    @Test
    void lagRuleIsOverriddenOnlyByTheExplicitFlag() {
        MemberSnapshot lagging = healthy("lagging", "0/1000000");
        assertThat(CandidateRanking.rank(List.of(lagging), policy).eligible()).isEmpty();
        assertThat(CandidateRanking.rank(List.of(lagging), policy.ignoringLag()).eligible())
                .hasSize(1);
    }

    @Test
    void lagIsNotCheckedWhenTheLastLeaderPositionIsUnknown() {
        FailoverPolicy unknown = FailoverPolicy.automatic(MIB, null, false, Set.of());
        assertThat(CandidateRanking.rank(List.of(healthy("a", "0/1")), unknown).eligible())
                .hasSize(1);
    }

    @Test
    void checkTimelineExcludesACandidateOnAnOlderTimelineThanTheLastLeaders() {
        MemberSnapshot old = Snapshots.timeline(healthy("old", "0/5000000"), 2);
        MemberSnapshot current = Snapshots.timeline(healthy("current", "0/4F80000"), 3);
        MemberSnapshot unknown = Snapshots.timeline(healthy("unknown", "0/5000000"), 0);
        FailoverPolicy checking = policy.checkingTimeline(3);

        Ranking ranking = CandidateRanking.rank(List.of(old, current, unknown), checking);

        assertThat(ranking.eligible()).extracting(MemberSnapshot::name).containsExactly("current");
        assertThat(reason(ranking, "old")).isEqualTo(ExclusionReason.TIMELINE);
        assertThat(ranking.exclusionOf("old").orElseThrow().detail())
                .isEqualTo("it is on timeline 2, older than the last leader's timeline 3 (check_timeline is on)");
        assertThat(ranking.exclusionOf("unknown").orElseThrow().detail())
                .isEqualTo("its timeline is unknown, so it cannot be compared with the last leader's timeline 3"
                        + " (check_timeline is on)");
        // off (the default), or nothing known of the last leader's timeline: no check
        assertThat(CandidateRanking.rank(List.of(old, unknown), policy).eligible())
                .hasSize(2);
        assertThat(CandidateRanking.rank(List.of(old), policy.checkingTimeline(0))
                        .eligible())
                .hasSize(1);
        // a manual failover's lag override and a cold start keep the check
        assertThat(CandidateRanking.rank(List.of(old), checking.ignoringLag()).eligible())
                .isEmpty();
        assertThat(checking.coldStart("x").minimumTimeline()).isEqualTo(3);
    }

    @Test
    void theLastLeadersTimelineIsTheHighestOfTheOneSeenAndTheHistorys() {
        assertThat(LastTimeline.of(0, Optional.empty())).isZero();
        assertThat(LastTimeline.of(4, Optional.empty())).isEqualTo(4);
        assertThat(LastTimeline.of(0, Optional.of("[[1,100,\"r\",\"t\",\"a\"],[2,200,\"r\",\"t\",\"b\"]]")))
                .isEqualTo(3);
        assertThat(LastTimeline.of(5, Optional.of("[[2,200,\"r\",\"t\",\"b\"]]")))
                .isEqualTo(5);
        assertThat(LastTimeline.of(2, Optional.of("not json"))).isEqualTo(2);
        assertThat(LastTimeline.of(0, Optional.of("[[\"x\"]]"))).isZero();
    }

    private static ExclusionReason reason(Ranking ranking, String member) {
        return ranking.exclusionOf(member)
                .orElseThrow(() -> new AssertionError(member + " not excluded"))
                .reason();
    }
}
