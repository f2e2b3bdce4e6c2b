package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.coordinator.decide.FastFailoverGate.Report;
import io.pgha.coordinator.decide.FastFailoverGate.Verdict;
import io.pgha.core.Detach;
import io.pgha.core.MemberStatus;
import io.pgha.events.Lsn;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FastFailoverGateTest {
    private static final Detach ORDER = new Detach(40, "pg-0");
    private static final long DETACH_REVISION = 50;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** A replica's report, detached for {@code epoch} in a member key at {@code modRevision} (also RouterFenceGateTest). */
    static Report detached(long epoch, long modRevision) {
        MemberStatus s = new MemberStatus(
                        "postgres://h:1/postgres",
                        "http://h:2/patroni",
                        MemberStatus.Role.REPLICA,
                        "running",
                        1,
                        null,
                        Lsn.parse("0/5000000"),
                        null,
                        Map.of(),
                        null,
                        "v")
                .withDetached(new MemberStatus.Detached(epoch, Lsn.parse("0/5000000")));
        return new Report(s, modRevision);
    }

    private static Report streaming(long modRevision) {
        return new Report(detached(40, 0).status().withDetached(null), modRevision);
    }

    private static FastFailoverGate.Result gate(Set<String> p, Map<String, Report> members, Duration waited) {
        return FastFailoverGate.decide(ORDER, DETACH_REVISION, p, members, waited, TIMEOUT);
    }

    @Test
    void oneDetachedMemberOfTheSynchronousSetOpensTheGateAndOnlyItMayWin() {
        Map<String, Report> members = new HashMap<>();
        members.put("pg-1", detached(40, 51));
        members.put("pg-2", streaming(52)); // a member of P that has not detached (dead, or slow)
        members.put("pg-3", detached(40, 53)); // detached but not in P: never promotable in synchronous mode
        FastFailoverGate.Result r = gate(Set.of("pg-1", "pg-2"), members, Duration.ZERO);
        assertThat(r.verdict()).isEqualTo(Verdict.OPEN);
        assertThat(r.detached()).containsExactly("pg-1");
    }

    @Test
    void aReportWrittenBeforeTheOrderOrForAnotherEpochIsNotTrusted() {
        assertThat(gate(Set.of("pg-1"), Map.of("pg-1", detached(40, DETACH_REVISION)), Duration.ZERO)
                        .verdict())
                .isEqualTo(Verdict.WAIT);
        assertThat(gate(Set.of("pg-1"), Map.of("pg-1", detached(39, 60)), Duration.ZERO)
                        .verdict())
                .isEqualTo(Verdict.WAIT);
        assertThat(gate(Set.of("pg-1"), Map.of("pg-1", new Report(null, 60)), Duration.ZERO)
                        .verdict())
                .isEqualTo(Verdict.WAIT);
    }

    @Test
    void aDetachedMemberOutsideTheSynchronousSetNeverOpensIt() {
        assertThat(gate(Set.of("pg-1"), Map.of("pg-3", detached(40, 60)), Duration.ZERO)
                        .verdict())
                .isEqualTo(Verdict.WAIT);
        assertThat(gate(Set.of(), Map.of("pg-3", detached(40, 60)), Duration.ZERO)
                        .verdict())
                .isEqualTo(Verdict.WAIT);
        // the old leader's own key (were it in P) never counts
        assertThat(gate(Set.of("pg-0"), Map.of("pg-0", detached(40, 60)), Duration.ZERO)
                        .verdict())
                .isEqualTo(Verdict.WAIT);
    }

    @Test
    void noReportWithinTheTimeoutAbandons() {
        FastFailoverGate.Result r = gate(Set.of("pg-1"), Map.of("pg-1", streaming(60)), TIMEOUT);
        assertThat(r.verdict()).isEqualTo(Verdict.ABANDON);
        assertThat(r.why()).contains("within 2000 ms");
        assertThat(gate(Set.of("pg-1"), Map.of("pg-1", streaming(60)), TIMEOUT.minusMillis(1))
                        .verdict())
                .isEqualTo(Verdict.WAIT);
    }
}
