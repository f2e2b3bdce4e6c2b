package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.coordinator.decide.Suspicion.Facts;
import io.pgha.coordinator.decide.Suspicion.Verdict;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SuspicionTest {
    private static final Set<String> P = Set.of("pg-1");

    @Test
    void nodeLossNeedsTheMonitorAndTheSilentAgentToAgree() {
        assertThat(Suspicion.decide(new Facts("pg-0", P, true, null)).verdict()).isEqualTo(Verdict.ASK_AGENT);
        assertThat(Suspicion.decide(new Facts("pg-0", P, true, false)))
                .satisfies(r -> assertThat(r.verdict()).isEqualTo(Verdict.AGREED))
                .satisfies(r -> assertThat(r.why()).contains("its agent does not answer"));
    }

    @Test
    void aPrimaryCutFromEtcdOnlyOrAFrozenAgentBesideALivePostmasterKeepsTheLeasePath() {
        // the monitor still reaches PostgreSQL: the agent is not even asked (no idle cost)
        assertThat(Suspicion.decide(new Facts("pg-0", P, false, null)).verdict())
                .isEqualTo(Verdict.QUIET);
        assertThat(Suspicion.decide(new Facts("pg-0", P, false, false)).verdict())
                .isEqualTo(Verdict.QUIET);
    }

    @Test
    void aCrashedPostmasterBesideALiveAgentIsTheAgentsToHandle() {
        assertThat(Suspicion.decide(new Facts("pg-0", P, true, true)))
                .satisfies(r -> assertThat(r.verdict()).isEqualTo(Verdict.QUIET))
                .satisfies(r -> assertThat(r.why()).contains("agent answers"));
    }

    @Test
    void withoutAPromotableStandbyThereIsNothingToTry() {
        assertThat(Suspicion.decide(new Facts("pg-0", Set.of(), true, false)).verdict())
                .isEqualTo(Verdict.QUIET);
        assertThat(Suspicion.decide(new Facts("pg-0", Set.of("pg-0"), true, false))
                        .verdict())
                .isEqualTo(Verdict.QUIET);
    }

    @Test
    void leftUntilRipeCountsDownToZero() {
        Duration after = Duration.ofMillis(500);
        assertThat(Suspicion.leftUntilRipe(0, 5_000_000_000L, after)).isZero();
        assertThat(Suspicion.leftUntilRipe(1_000_000_000L, 1_200_000_000L, after))
                .isEqualTo(Duration.ofMillis(300));
        assertThat(Suspicion.leftUntilRipe(1_000_000_000L, 1_700_000_000L, after))
                .isZero();
    }

    @Test
    void ripeOnlyOnceTheObserversAgreedForSuspectAfter() {
        Duration after = Duration.ofMillis(500);
        assertThat(Suspicion.ripe(0, 10_000_000_000L, after)).isFalse();
        assertThat(Suspicion.ripe(1_000_000_000L, 1_499_999_999L, after)).isFalse();
        assertThat(Suspicion.ripe(1_000_000_000L, 1_500_000_000L, after)).isTrue();
        assertThat(Suspicion.ripe(1_000_000_000L, 1_000_000_000L, Duration.ZERO))
                .isTrue();
    }
}
