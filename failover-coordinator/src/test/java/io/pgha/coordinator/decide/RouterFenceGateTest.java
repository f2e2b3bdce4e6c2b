package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.coordinator.decide.FastFailoverGate.Report;
import io.pgha.coordinator.decide.FastFailoverGate.Verdict;
import io.pgha.core.Detach;
import io.pgha.core.store.RouterReport;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterFenceGateTest {
    private static final Detach ORDER = new Detach(40, "pg-0");
    private static final long DETACH_REVISION = 50;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static Optional<RouterReport> fenced(long epoch, String member, long detachRevision) {
        return Optional.of(new RouterReport(epoch, "pg-0", "now")
                .withFenced(new RouterReport.Fenced(epoch, member, detachRevision)));
    }

    private static Optional<RouterReport> routing() {
        return Optional.of(new RouterReport(40, "pg-0", "now"));
    }

    private static FastFailoverGate.Result gate(
            Set<String> declared,
            Map<String, Optional<RouterReport>> routers,
            Map<String, Report> members,
            Duration waited) {
        return RouterFenceGate.decide(ORDER, DETACH_REVISION, declared, routers, members, waited, TIMEOUT);
    }

    private static Map<String, Report> pg1Detached() {
        Map<String, Report> members = new HashMap<>();
        members.put("pg-1", FastFailoverGateTest.detached(40, 51));
        members.put("pg-0", FastFailoverGateTest.detached(40, 52)); // the old leader never counts
        return members;
    }

    @Test
    void everyRouterFencedForThisDetachAndADetachedStandbyOpen() {
        FastFailoverGate.Result r = gate(
                Set.of("r0", "r1"),
                Map.of("r0", fenced(40, "pg-0", 50), "r1", fenced(40, "pg-0", 50)),
                pg1Detached(),
                Duration.ZERO);
        assertThat(r.verdict()).isEqualTo(Verdict.OPEN);
        assertThat(r.detached()).containsExactly("pg-1");
    }

    @Test
    void aRouterThatOnlyRoutesWaitsThenAbandons() {
        Map<String, Optional<RouterReport>> routers = Map.of("r0", fenced(40, "pg-0", 50), "r1", routing());
        assertThat(gate(Set.of("r0", "r1"), routers, pg1Detached(), Duration.ZERO))
                .satisfies(r -> {
                    assertThat(r.verdict()).isEqualTo(Verdict.WAIT);
                    assertThat(r.why()).contains("[r1]");
                });
        assertThat(gate(Set.of("r0", "r1"), routers, pg1Detached(), TIMEOUT).verdict())
                .isEqualTo(Verdict.ABANDON);
    }

    @Test
    void aDeclaredRouterWithoutKeyBlocks() {
        assertThat(gate(Set.of("r0", "r1"), Map.of("r0", fenced(40, "pg-0", 50)), pg1Detached(), Duration.ZERO)
                        .verdict())
                .isEqualTo(Verdict.WAIT);
    }

    @Test
    void aLiveRouterTheDeploymentDidNotDeclareBlocksToo() {
        assertThat(gate(
                                Set.of("r0"),
                                Map.of("r0", fenced(40, "pg-0", 50), "r9", routing()),
                                pg1Detached(),
                                Duration.ZERO)
                        .verdict())
                .isEqualTo(Verdict.WAIT);
    }

    @Test
    void anUnreadableReportBlocks() {
        assertThat(gate(
                                Set.of("r0"),
                                Map.of("r0", fenced(40, "pg-0", 50), "r1", Optional.empty()),
                                pg1Detached(),
                                Duration.ZERO)
                        .verdict())
                .isEqualTo(Verdict.WAIT);
    }

    @Test
    void aFenceForAnotherDetachEpochOrMemberDoesNotCount() {
        for (Optional<RouterReport> wrong :
                java.util.List.of(fenced(40, "pg-0", 49), fenced(39, "pg-0", 50), fenced(40, "pg-1", 50))) {
            assertThat(gate(Set.of("r0"), Map.of("r0", wrong), pg1Detached(), Duration.ZERO)
                            .verdict())
                    .as(wrong.toString())
                    .isEqualTo(Verdict.WAIT);
        }
    }

    @Test
    void everyRouterFencedButNoTrustedDetachedStandbyWaits() {
        Map<String, Report> stale = Map.of(
                "pg-1",
                FastFailoverGateTest.detached(40, DETACH_REVISION),
                "pg-2",
                FastFailoverGateTest.detached(39, 60));
        FastFailoverGate.Result r = gate(Set.of("r0"), Map.of("r0", fenced(40, "pg-0", 50)), stale, Duration.ZERO);
        assertThat(r.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(r.why()).contains("no standby reported detached");
    }

    @Test
    void aStandbyThatHasNotReportedIsAwaitedUntilTheSettleTimeSoTheMostAdvancedCanWin() {
        Map<String, Report> members = pg1Detached();
        members.put("pg-2", FastFailoverGateTest.detached(39, 30)); // live, not yet detached for this order
        Map<String, Optional<RouterReport>> routers = Map.of("r0", fenced(40, "pg-0", 50));
        FastFailoverGate.Result early = gate(Set.of("r0"), routers, members, Duration.ofMillis(100));
        assertThat(early.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(early.why()).contains("waiting for [pg-2]");

        members.put("pg-2", FastFailoverGateTest.detached(40, 53));
        FastFailoverGate.Result all = gate(Set.of("r0"), routers, members, Duration.ofMillis(100));
        assertThat(all.verdict()).isEqualTo(Verdict.OPEN);
        assertThat(all.detached()).containsExactlyInAnyOrder("pg-1", "pg-2");
    }

    @Test
    void aSilentStandbyDoesNotHoldTheFailoverPastTheSettleTime() {
        Map<String, Report> members = pg1Detached();
        members.put("pg-2", FastFailoverGateTest.detached(39, 30));
        Duration settle = RouterFenceGate.settle(TIMEOUT);
        assertThat(settle).isEqualTo(Duration.ofMillis(500));
        FastFailoverGate.Result r = gate(Set.of("r0"), Map.of("r0", fenced(40, "pg-0", 50)), members, settle);
        assertThat(r.verdict()).isEqualTo(Verdict.OPEN);
        assertThat(r.detached()).containsExactly("pg-1");
        assertThat(r.why()).contains("[pg-2] did not report within 500 ms");
    }

    @Test
    void noRouterAtAllNeverOpens() {
        assertThat(gate(Set.of(), Map.of(), pg1Detached(), Duration.ZERO).verdict())
                .isEqualTo(Verdict.WAIT);
        assertThat(gate(Set.of(), Map.of(), pg1Detached(), TIMEOUT).verdict()).isEqualTo(Verdict.ABANDON);
    }
}
