package io.pgha.alert.rules;

import static io.pgha.alert.rules.Sim.CLUSTER;
import static io.pgha.alert.rules.Sim.archiveFailed;
import static io.pgha.alert.rules.Sim.archived;
import static io.pgha.alert.rules.Sim.at;
import static io.pgha.alert.rules.Sim.down;
import static io.pgha.alert.rules.Sim.failoverCompleted;
import static io.pgha.alert.rules.Sim.fired;
import static io.pgha.alert.rules.Sim.names;
import static io.pgha.alert.rules.Sim.primary;
import static io.pgha.alert.rules.Sim.probe;
import static io.pgha.alert.rules.Sim.replica;
import static io.pgha.alert.rules.Sim.resolved;
import static io.pgha.alert.rules.Sim.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.ElectionEvent;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.events.PghaEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules about who is primary: none, two, failovers and switchovers. */
class PrimaryRulesTest {

    @Test
    void noPrimaryFiresAfterItsDelayAndResolvesWhenOneIsProbed() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(replica("pg-1", 0));
        sim.on(down("pg-0", 1));
        for (int s = 2; s <= 30; s++) {
            sim.on(replica("pg-1", s));
        }
        assertThat(sim.activeNames()).doesNotContain("PghaNoPrimary");

        List<Alert> fired = fired(sim.on(replica("pg-1", 31)));

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaNoPrimary);
            assertThat(a.labels()).containsEntry("severity", "critical").doesNotContainKey("member");
            assertThat(a.startsAt()).isEqualTo(at(1));
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaNoPrimary.md");
        });
        assertThat(sim.on(replica("pg-1", 32))).isEmpty();
        assertThat(names(resolved(sim.on(primary("pg-1", 33))))).containsExactly("PghaNoPrimary");
    }

    @Test
    void twoOverlappingWritablePrimaryObservationsFireAtOnce() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 10));
        sim.on(replica("pg-1", 10));

        // a hostile or faulty monitor: pg-1 writable in the same instant as pg-0
        List<Alert> fired = fired(sim.on(primary("pg-1", 10)));

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaTwoPrimaries);
            assertThat(a.labels()).containsEntry("severity", "critical").containsEntry("cluster", CLUSTER);
            assertThat(a.description()).contains("pg-0 and pg-1");
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaTwoPrimaries.md");
            assertThat(a.startsAt()).isEqualTo(at(10));
        });
    }

    @Test
    void aWritableObservationInsideAnotherMembersPrimaryRunFiresAtOnce() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(primary("pg-0", 1));
        sim.on(primary("pg-0", 2));
        assertThat(names(fired(sim.on(primary("pg-1", 1.5))))).containsExactly("PghaTwoPrimaries");
    }

    @Test
    void twoPrimariesSeenAtDifferentMomentsFireWhenTheRunsOverlap() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 5));
        assertThat(sim.on(primary("pg-1", 6))).isEmpty(); // pg-0 was last seen before pg-1: not proven
        assertThat(names(fired(sim.on(primary("pg-0", 7))))).containsExactly("PghaTwoPrimaries"); // still writable
    }

    @Test
    void twoPrimariesStayForTheHoldAfterTheLastEvidenceThenResolve() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(primary("pg-1", 0));
        sim.on(replica("pg-1", 1)); // fenced: no further evidence
        sim.on(primary("pg-0", 2));
        assertThat(sim.activeNames()).contains("PghaTwoPrimaries");
        Duration hold = Thresholds.defaults().twoPrimariesHold();
        assertThat(names(resolved(sim.eval(at(0).plus(hold).minusMillis(1))))).doesNotContain("PghaTwoPrimaries");
        assertThat(names(resolved(sim.eval(at(0).plus(hold))))).contains("PghaTwoPrimaries");
    }

    @Test
    void anArchiveTimelineConflictFiresTwoPrimariesAndAPlainFailureDoesNot() {
        Sim plain = new Sim();
        plain.on(primary("pg-0", 0));
        assertThat(names(fired(plain.on(archiveFailed(1, "failure"))))).containsExactly("PghaWalArchiveFailing");

        for (String kind : List.of("timeline-ahead", "conflict")) {
            Sim sim = new Sim();
            sim.on(primary("pg-0", 0));
            sim.on(archived(0.5, "000000010000000000000002"));
            List<Alert> fired = fired(sim.on(archiveFailed(1, kind)));
            assertThat(names(fired)).containsExactly("PghaTwoPrimaries", "PghaWalArchiveFailing");
            assertThat(fired.get(0).description()).contains(kind, "pg-0");
            assertThat(sim.on(archiveFailed(2, kind))).isEmpty();
            assertThat(names(resolved(sim.on(archived(3, "000000010000000000000003")))))
                    .containsExactly("PghaTwoPrimaries", "PghaWalArchiveFailing");
        }
    }

    static Stream<Arguments> switchovers() {
        return Stream.of(
                Arguments.of("old primary probed as replica before the new one is probed as primary", 10.8, false),
                Arguments.of("old primary not probed between its last primary probe and the new primary", 0, false),
                Arguments.of("two health-monitors probing in turn", 10.8, true));
    }

    /**
     * A planned switchover pg-0 → pg-1 with probes every second (every half second with two
     * monitors), evaluated after every event and every 100 ms: never two primaries.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("switchovers")
    void aNormalSwitchoverNeverFiresTwoPrimaries(String name, double oldPrimaryReplicaProbe, boolean twoMonitors) {
        List<PghaEvent> events = new ArrayList<>();
        for (double s = 0; s <= 10; s += twoMonitors ? 0.5 : 1) {
            events.add(observed(primary("pg-0", s), s, twoMonitors));
            events.add(observed(replica("pg-1", s + 0.1), s, twoMonitors));
            events.add(observed(replica("pg-2", s + 0.2), s, twoMonitors));
        }
        events.add(new ElectionEvent.SwitchoverStarted(CLUSTER, 7, "pg-0", "pg-1", null, at(10.2)));
        events.add(new ElectionEvent.MemberDemoted(CLUSTER, 7, "pg-0", "switchover", at(10.4)));
        if (oldPrimaryReplicaProbe > 0) {
            events.add(probe("pg-0", oldPrimaryReplicaProbe, NodeRole.REPLICA, 0L, 0.0, 10, 100, 5));
        }
        events.add(topology(10.9, null, "pg-0", "starting", "pg-1", "streaming", "pg-2", "streaming"));
        events.add(new ElectionEvent.MemberPromoted(CLUSTER, 8, "pg-1", 2, null, at(11.0)));
        for (double s = 11.1; s <= 20; s += twoMonitors ? 0.5 : 1) {
            events.add(observed(primary("pg-1", s), s, twoMonitors));
            events.add(observed(replica("pg-0", s + 0.1), s, twoMonitors));
            events.add(observed(replica("pg-2", s + 0.2), s, twoMonitors));
        }
        events.add(topology(11.5, "pg-1", "pg-0", "streaming", "pg-2", "streaming"));
        events.add(new ElectionEvent.SwitchoverCompleted(CLUSTER, 8, "pg-0", "pg-1", at(12)));
        events.sort(Comparator.comparing(PghaEvent::occurredAt));

        Sim sim = new Sim();
        double clock = 0;
        for (PghaEvent e : events) {
            for (; at(clock).isBefore(e.occurredAt()); clock += 0.1) {
                sim.eval(clock);
            }
            sim.on(e);
        }
        sim.eval(25);

        assertThat(names(fired(sim.all))).doesNotContain("PghaTwoPrimaries", "PghaNoPrimary");
        assertThat(names(fired(sim.all))).contains("PghaSwitchoverHappened");
    }

    @Test
    void aFailoverAfterTheOldPrimaryDiedNeverFiresTwoPrimaries() {
        Sim sim = new Sim();
        for (int s = 0; s <= 5; s++) {
            sim.on(primary("pg-0", s));
            sim.on(replica("pg-1", s + 0.1));
        }
        for (int s = 6; s <= 16; s++) {
            sim.on(down("pg-0", s));
            sim.on(replica("pg-1", s + 0.1));
        }
        sim.on(failoverCompleted(16.5, "pg-0", "pg-1"));
        for (int s = 17; s <= 25; s++) {
            sim.on(down("pg-0", s));
            sim.on(primary("pg-1", s + 0.1));
        }
        sim.on(replica("pg-0", 26)); // rejoined as a replica
        sim.on(primary("pg-1", 26.1));
        assertThat(names(fired(sim.all))).doesNotContain("PghaTwoPrimaries");
        assertThat(sim.activeNames()).containsExactly("PghaFailoverHappened");
    }

    @Test
    void failoverAndSwitchoverHappenedAreInfoAndResolveAfterTheHold() {
        Sim sim = new Sim();
        sim.on(primary("pg-1", 0));
        List<Alert> failover = fired(sim.on(failoverCompleted(1, "pg-0", "pg-1")));
        assertThat(failover).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaFailoverHappened);
            assertThat(a.severity()).isEqualTo(Severity.INFO);
            assertThat(a.labels()).containsEntry("severity", "info");
            assertThat(a.description()).contains("pg-0", "pg-1");
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaFailoverHappened.md");
        });
        List<Alert> switchover =
                fired(sim.on(new ElectionEvent.SwitchoverCompleted(CLUSTER, 9, "pg-1", "pg-2", at(2))));
        assertThat(names(switchover)).containsExactly("PghaSwitchoverHappened");
        assertThat(switchover.get(0).severity()).isEqualTo(Severity.INFO);
        sim.on(primary("pg-2", 3));

        Duration hold = Thresholds.defaults().happenedHold();
        Thresholds quiet = quietWatchers();
        Sim late = new Sim(quiet);
        late.state = sim.state;
        assertThat(late.eval(at(1).plus(hold).minusMillis(1))).isEmpty();
        assertThat(names(resolved(late.eval(at(1).plus(hold))))).containsExactly("PghaFailoverHappened");
        assertThat(names(resolved(late.eval(at(2).plus(hold))))).containsExactly("PghaSwitchoverHappened");
    }

    @Test
    void failoverFailedCarriesEveryMembersReasonAndResolvesWhenALeaderIsBack() {
        Sim sim = new Sim();
        sim.on(down("pg-0", 0));
        var failed = new ElectionEvent.FailoverFailed(
                CLUSTER,
                7,
                "pg-0",
                null,
                "no member can be promoted",
                List.of(
                        new ElectionEvent.Exclusion("pg-1", "lag 52428800 bytes above maximum_lag_on_failover"),
                        new ElectionEvent.Exclusion("pg-2", "nofailover tag")),
                at(1));
        List<Alert> fired = fired(sim.on(failed));
        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaFailoverFailed);
            assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.description())
                    .contains("no member can be promoted")
                    .contains("pg-1: lag 52428800 bytes above maximum_lag_on_failover")
                    .contains("pg-2: nofailover tag");
        });
        assertThat(sim.on(topology(1.5, null, "pg-1", "streaming"))).isEmpty(); // still no leader
        List<AlertChange> done = sim.on(failoverCompleted(3, "pg-0", "pg-1"));
        assertThat(names(resolved(done))).containsExactly("PghaFailoverFailed");
        assertThat(names(fired(done))).containsExactly("PghaFailoverHappened");

        Sim viaTopology = new Sim();
        viaTopology.on(failed);
        assertThat(names(resolved(viaTopology.on(topology(2, "pg-1", "pg-2", "streaming")))))
                .containsExactly("PghaFailoverFailed");
    }

    private static NodeHealthObserved observed(NodeHealthObserved h, double s, boolean twoMonitors) {
        if (!twoMonitors || Math.round(s * 2) % 2 == 0) {
            return h;
        }
        return new NodeHealthObserved(
                h.cluster(),
                h.member(),
                "hm-1",
                h.observedAt(),
                h.reachable(),
                h.errorClass(),
                h.error(),
                h.role(),
                h.timeline(),
                h.lsn(),
                h.receiveLsn(),
                h.replayLsn(),
                h.lag(),
                h.lagSeconds(),
                h.probeLatencyMs(),
                h.connections(),
                h.maxConnections());
    }

    /** Thresholds whose watcher-silence rules stay quiet for days (tests that jump hours ahead). */
    static Thresholds quietWatchers() {
        Thresholds d = Thresholds.defaults();
        return new Thresholds(
                d.memberDownFor(),
                d.replicaNotStreamingFor(),
                d.syncStandbyMissingFor(),
                d.lagBytesWarning(),
                d.lagBytesCritical(),
                d.lagSecondsWarning(),
                d.lagSecondsCritical(),
                d.noPrimaryFor(),
                d.twoPrimariesHold(),
                d.happenedHold(),
                d.archiveStalledAfter(),
                d.backupOverdueAfter(),
                d.connectionsWarningRatio(),
                d.connectionsCriticalRatio(),
                Duration.ofDays(30),
                Duration.ofDays(30),
                d.poolSaturation(),
                d.severities(),
                d.runbookBaseUrl());
    }
}
