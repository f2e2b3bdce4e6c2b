package io.pgha.alert.rules;

import static io.pgha.alert.rules.Sim.at;
import static io.pgha.alert.rules.Sim.down;
import static io.pgha.alert.rules.Sim.fired;
import static io.pgha.alert.rules.Sim.names;
import static io.pgha.alert.rules.Sim.primary;
import static io.pgha.alert.rules.Sim.probe;
import static io.pgha.alert.rules.Sim.replica;
import static io.pgha.alert.rules.Sim.resolved;
import static io.pgha.alert.rules.Sim.syncTopology;
import static io.pgha.alert.rules.Sim.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules about one member: down, not streaming, lag, connections. */
class MemberRulesTest {

    @Test
    void memberDownFiresAfterItsDelayWithLabelsAndRunbookThenResolves() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(replica("pg-1", 0));
        assertThat(sim.on(down("pg-1", 1))).isEmpty(); // held 0 s of the 2 s
        assertThat(sim.on(down("pg-1", 2))).isEmpty();

        List<AlertChange> changes = sim.eval(3);

        assertThat(changes).hasSize(1);
        Alert alert = fired(changes).get(0);
        assertThat(alert.labels())
                .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                        "alertname", "PghaMemberDown", "cluster", "c1", "member", "pg-1", "severity", "critical")));
        assertThat(alert.annotations()).containsEntry("runbook_url", "docs/runbooks/PghaMemberDown.md");
        assertThat(alert.annotations().get("description")).contains("pg-1", "connection_refused");
        assertThat(alert.startsAt()).isEqualTo(at(1));

        // no flapping: more failed probes and more evaluations change nothing
        assertThat(sim.on(down("pg-1", 4))).isEmpty();
        assertThat(sim.eval(5)).isEmpty();

        List<AlertChange> back = sim.on(replica("pg-1", 6));
        assertThat(resolved(back)).extracting(Alert::fingerprint).containsExactly(alert.fingerprint());
        assertThat(((AlertChange.Resolved) back.get(0)).endsAt()).isEqualTo(at(6));
        assertThat(sim.eval(7)).isEmpty();
    }

    @Test
    void oneFailedProbeShorterThanTheDelayFiresNothing() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(down("pg-1", 1));
        sim.on(replica("pg-1", 2));
        assertThat(sim.eval(10)).isEmpty();
    }

    @Test
    void replicaNotStreamingFiresAfterItsDelayKeepsItsStartAcrossRepublishesAndResolves() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        assertThat(sim.on(topology(0, "pg-0", "pg-1", "running", "pg-2", "streaming")))
                .isEmpty();
        assertThat(sim.on(topology(20, "pg-0", "pg-1", "running", "pg-2", "streaming")))
                .isEmpty();

        List<Alert> fired = fired(sim.eval(30)).stream()
                .filter(a -> a.name() != AlertName.PghaHealthMonitorSilent) // no probe since 0 s: also true
                .toList();

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaReplicaNotStreaming);
            assertThat(a.member()).isEqualTo("pg-1");
            assertThat(a.severity()).isEqualTo(Severity.WARNING);
            assertThat(a.startsAt()).isEqualTo(at(0));
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaReplicaNotStreaming.md");
        });
        assertThat(sim.on(topology(40, "pg-0", "pg-1", "running", "pg-2", "streaming")))
                .isEmpty();
        assertThat(resolved(sim.on(topology(50, "pg-0", "pg-1", "streaming", "pg-2", "streaming"))))
                .extracting(Alert::member)
                .containsExactly("pg-1");
    }

    @Test
    void aSyncOrQuorumStandbyNotStreamingIsAReplicaNotStreamingToo() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        TopologyChanged t = topology(0, "pg-0", "pg-1", "running", "pg-2", "stopped", "pg-3", "streaming");
        List<Member> members = t.members().stream()
                .map(m -> switch (m.name()) {
                    case "pg-1" -> withRole(m, MemberRole.QUORUM_STANDBY);
                    case "pg-2", "pg-3" -> withRole(m, MemberRole.SYNC_STANDBY);
                    default -> m;
                })
                .toList();
        sim.on(new TopologyChanged(
                t.cluster(), t.epoch(), t.leader(), members, List.of(), t.pause(), t.occurredAt(), null));

        assertThat(fired(sim.eval(30)).stream()
                        .filter(a -> a.name() == AlertName.PghaReplicaNotStreaming)
                        .map(Alert::member))
                .containsExactlyInAnyOrder("pg-1", "pg-2");
    }

    private static Member withRole(Member m, MemberRole role) {
        return new Member(m.name(), role, m.state(), m.host(), m.port(), m.apiUrl(), m.timeline(), m.lag(), m.tags());
    }

    @Test
    void syncStandbyMissingFiresWhileSynchronousModeIsOnAndNoSyncStandbyStreamsThenResolves() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        // the sync standby pg-1 stops streaming at 1 s; pg-2 (not in the sync set) streaming does not count
        assertThat(sim.on(syncTopology(0, true, List.of("pg-1"), "pg-0", "pg-1", "streaming", "pg-2", "streaming")))
                .isEmpty();
        assertThat(sim.on(syncTopology(1, true, List.of("pg-1"), "pg-0", "pg-1", "stopped", "pg-2", "streaming")))
                .isEmpty();
        assertThat(names(fired(sim.eval(10)))).doesNotContain("PghaSyncStandbyMissing"); // held 9 s of 10

        List<Alert> fired = fired(sim.eval(11)).stream()
                .filter(a -> a.name() == AlertName.PghaSyncStandbyMissing)
                .toList();

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.member()).isNull();
            assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.startsAt()).isEqualTo(at(1));
            assertThat(a.description()).contains("[pg-1]", "pg-0");
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaSyncStandbyMissing.md");
        });
        // the coordinator names pg-2, which streams: resolved
        assertThat(resolved(sim.on(
                        syncTopology(12, true, List.of("pg-2"), "pg-0", "pg-1", "stopped", "pg-2", "streaming"))))
                .extracting(Alert::name)
                .contains(AlertName.PghaSyncStandbyMissing);
    }

    @Test
    void syncStandbyMissingNeedsATopologyThatSaysSynchronousModeIsOn() {
        for (Boolean mode : java.util.Arrays.asList(false, null)) {
            Sim sim = new Sim();
            sim.on(primary("pg-0", 0));
            sim.on(syncTopology(0, mode, List.of(), "pg-0", "pg-1", "stopped"));
            assertThat(names(fired(sim.eval(60))))
                    .as("synchronous_mode %s", mode)
                    .doesNotContain("PghaSyncStandbyMissing");
        }
        // on, but the set names only the leader (no standby qualified): missing
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(syncTopology(0, true, List.of("pg-0"), "pg-0", "pg-1", "streaming"));
        assertThat(names(fired(sim.eval(20)))).contains("PghaSyncStandbyMissing");
    }

    @Test
    void lagInBytesWarnsThenTurnsCriticalThenResolves() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        assertThat(sim.on(probe("pg-1", 1, NodeRole.REPLICA, 1_000L, 0.0, 10, 100, 5)))
                .isEmpty();

        List<Alert> warn = fired(sim.on(probe("pg-1", 2, NodeRole.REPLICA, 20L << 20, 0.0, 10, 100, 5)));
        assertThat(warn).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaReplicationLagBytes);
            assertThat(a.labels()).containsEntry("severity", "warning").containsEntry("member", "pg-1");
        });
        assertThat(sim.on(probe("pg-1", 3, NodeRole.REPLICA, 21L << 20, 0.0, 10, 100, 5)))
                .isEmpty();

        List<AlertChange> crit = sim.on(probe("pg-1", 4, NodeRole.REPLICA, 300L << 20, 0.0, 10, 100, 5));
        assertThat(resolved(crit)).extracting(Alert::severity).containsExactly(Severity.WARNING);
        assertThat(fired(crit)).extracting(Alert::severity).containsExactly(Severity.CRITICAL);
        assertThat(fired(crit).get(0).fingerprint()).isNotEqualTo(warn.get(0).fingerprint());

        assertThat(resolved(sim.on(probe("pg-1", 5, NodeRole.REPLICA, 0L, 0.0, 10, 100, 5))))
                .extracting(Alert::severity)
                .containsExactly(Severity.CRITICAL);
        assertThat(sim.state.active()).isEmpty();
    }

    @Test
    void lagInSecondsWarnsAndTurnsCriticalAndResolves() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        List<Alert> warn = fired(sim.on(probe("pg-1", 1, NodeRole.REPLICA, 0L, 45.0, 10, 100, 5)));
        assertThat(warn)
                .extracting(a -> a.name() + "/" + a.severity())
                .containsExactly("PghaReplicationLagSeconds/WARNING");
        assertThat(warn.get(0).runbookUrl()).isEqualTo("docs/runbooks/PghaReplicationLagSeconds.md");
        List<Alert> crit = fired(sim.on(probe("pg-1", 2, NodeRole.REPLICA, 0L, 400.0, 10, 100, 5)));
        assertThat(crit).extracting(Alert::severity).containsExactly(Severity.CRITICAL);
        assertThat(sim.on(probe("pg-1", 3, NodeRole.REPLICA, 0L, 401.0, 10, 100, 5)))
                .isEmpty();
        assertThat(resolved(sim.on(replica("pg-1", 4)))).hasSize(1);
        assertThat(sim.state.active()).isEmpty();
    }

    @Test
    void connectionsAbove80And95PercentWarnThenGoCriticalAndResolve() {
        Sim sim = new Sim();
        assertThat(fired(sim.on(probe("pg-0", 0, NodeRole.PRIMARY, null, null, 79, 100, 5))))
                .isEmpty();
        List<Alert> warn = fired(sim.on(probe("pg-0", 1, NodeRole.PRIMARY, null, null, 80, 100, 5)));
        assertThat(warn).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaConnectionsHigh);
            assertThat(a.labels()).containsEntry("severity", "warning").containsEntry("member", "pg-0");
            assertThat(a.summary()).contains("80 %");
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaConnectionsHigh.md");
        });
        assertThat(sim.on(probe("pg-0", 2, NodeRole.PRIMARY, null, null, 85, 100, 5)))
                .isEmpty();
        List<AlertChange> crit = sim.on(probe("pg-0", 3, NodeRole.PRIMARY, null, null, 95, 100, 5));
        assertThat(fired(crit)).extracting(Alert::severity).containsExactly(Severity.CRITICAL);
        assertThat(resolved(crit)).extracting(Alert::severity).containsExactly(Severity.WARNING);
        assertThat(resolved(sim.on(probe("pg-0", 4, NodeRole.PRIMARY, null, null, 50, 100, 5))))
                .hasSize(1);
        assertThat(sim.state.active()).isEmpty();
    }

    @Test
    void aProbeRefusedForTooManyConnectionsIsCriticalConnectionsNotMemberDown() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        List<Alert> fired = fired(sim.on(down("pg-0", 1, ErrorClass.TOO_MANY_CONNECTIONS)));
        assertThat(fired)
                .extracting(Alert::name, Alert::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertName.PghaConnectionsHigh, Severity.CRITICAL));
        sim.eval(10);
        assertThat(sim.activeNames()).containsExactly("PghaConnectionsHigh");
    }

    @Test
    void aLateProbeDoesNotOverwriteANewerOne() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(replica("pg-1", 5));
        sim.on(down("pg-1", 3)); // arrives late
        assertThat(sim.state.members().get("pg-1").last().reachable()).isTrue();
        assertThat(sim.eval(10)).isEmpty();
    }

    @Test
    void aMemberRemovedFromTheTopologyStopsAlerting() {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(topology(0, "pg-0", "pg-1", "streaming"));
        sim.on(down("pg-1", 1));
        assertThat(names(fired(sim.eval(5)))).containsExactly("PghaMemberDown");
        assertThat(names(resolved(sim.on(topology(6, "pg-0"))))).containsExactly("PghaMemberDown");
    }
}
