package io.pgha.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgha.events.Lsn;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MemberMetricsTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MemberMetrics metrics = new MemberMetrics();

    MemberMetricsTest() {
        metrics.registry = registry;
    }

    @Test
    void walPositionIsThePrimarysWriteLsnAndAReplicasReplayLsnAsBytes() {
        metrics.observed(observed("pg-0", NodeRole.PRIMARY, Lsn.parse("0/3000060"), Lsn.parse("0/1000000")));
        metrics.observed(observed("pg-1", NodeRole.REPLICA, null, Lsn.parse("1/2000000")));

        assertThat(gauge("pg-0")).isEqualTo(0x3000060);
        assertThat(gauge("pg-1")).isEqualTo(0x1_0200_0000L);
    }

    @Test
    void walPositionIsNaNWhenTheProbeFoundNone() {
        metrics.observed(observed("pg-2", NodeRole.UNKNOWN, null, null));

        assertThat(gauge("pg-2")).isNaN();
    }

    @Test
    void aRemovedMemberLosesItsGauge() {
        metrics.observed(observed("pg-0", NodeRole.PRIMARY, Lsn.parse("0/3000060"), null));

        metrics.remove("c1", "pg-0");

        assertThat(registry.find("pgha.member.wal.position.bytes").gauges()).isEmpty();
    }

    @Test
    void aMemberThatLeftTheTopologyStaysExportedAsUnreachableUntilItIsBack() {
        metrics.observed(observed("pg-1", NodeRole.REPLICA, null, Lsn.parse("0/1000000")));

        metrics.departed("c1", "pg-1", T);

        assertThat(gauge("pgha.member.reachable", "pg-1")).isZero();
        assertThat(gauge("pgha.member.role", "pg-1")).isEqualTo(-1);
        assertThat(gauge("pg-1")).isNaN();

        metrics.observed(observed("pg-1", NodeRole.REPLICA, null, Lsn.parse("0/2000000")));

        assertThat(gauge("pgha.member.reachable", "pg-1")).isEqualTo(1);
        assertThat(gauge("pgha.member.role", "pg-1")).isZero();
        assertThat(gauge("pg-1")).isEqualTo(0x2000000);
    }

    @Test
    void aDepartedMembersGaugesGoOnlyOnceTheRetentionHasPassed() {
        metrics.observed(observed("pg-0", NodeRole.PRIMARY, Lsn.parse("0/3000060"), null));
        metrics.observed(observed("pg-1", NodeRole.REPLICA, null, Lsn.parse("0/1000000")));
        metrics.departed("c1", "pg-1", T);

        metrics.forgetDeparted("c1", T);
        assertThat(gauge("pgha.member.reachable", "pg-1")).isZero();

        metrics.forgetDeparted("c2", T.plusSeconds(1));
        assertThat(gauge("pgha.member.reachable", "pg-1")).isZero();

        metrics.forgetDeparted("c1", T.plusSeconds(1));
        assertThat(registry.find("pgha.member.reachable").tag("member", "pg-1").gauges())
                .isEmpty();
        assertThat(gauge("pgha.member.reachable", "pg-0")).isEqualTo(1);
    }

    @Test
    void aSecondDepartureKeepsTheFirstTime() {
        metrics.observed(observed("pg-1", NodeRole.REPLICA, null, Lsn.parse("0/1000000")));
        metrics.departed("c1", "pg-1", T);
        metrics.departed("c1", "pg-1", T.plusSeconds(60));

        metrics.forgetDeparted("c1", T.plusSeconds(1));

        assertThat(registry.find("pgha.member.reachable").tag("member", "pg-1").gauges())
                .isEmpty();
    }

    private double gauge(String member) {
        return gauge("pgha.member.wal.position.bytes", member);
    }

    private double gauge(String name, String member) {
        return registry.get(name)
                .tag("cluster", "c1")
                .tag("member", member)
                .gauge()
                .value();
    }

    private static NodeHealthObserved observed(String member, NodeRole role, Lsn lsn, Lsn replay) {
        return new NodeHealthObserved(
                "c1", member, "monitor-0", T, true, null, null, role, 1, lsn, replay, replay, null, null, 3, 10, 100);
    }
}
