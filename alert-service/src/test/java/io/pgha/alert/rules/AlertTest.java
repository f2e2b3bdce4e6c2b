package io.pgha.alert.rules;

import static io.pgha.alert.rules.Sim.CLUSTER;
import static io.pgha.alert.rules.Sim.at;
import static io.pgha.alert.rules.Sim.down;
import static io.pgha.alert.rules.Sim.fired;
import static io.pgha.alert.rules.Sim.primary;
import static io.pgha.alert.rules.Sim.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.AlertEvent;
import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.EventCodec;
import io.pgha.events.EventType;
import io.pgha.events.PghaEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fingerprints, the mapping onto the pgha.alerts events, thresholds and input checks. */
class AlertTest {

    @Test
    void theFingerprintDependsOnTheLabelsOnly() {
        Alert a = new Alert(
                AlertName.PghaMemberDown, CLUSTER, "pg-1", Severity.CRITICAL, "s1", "d1", "u", at(1), Map.of());
        Alert b = new Alert(
                AlertName.PghaMemberDown, CLUSTER, "pg-1", Severity.CRITICAL, "s2", "d2", "v", at(9), Map.of());
        Alert other = new Alert(
                AlertName.PghaMemberDown, CLUSTER, "pg-2", Severity.CRITICAL, "s1", "d1", "u", at(1), Map.of());
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).hasSize(16).matches("[0-9a-f]{16}");
        assertThat(a.fingerprint()).isNotEqualTo(other.fingerprint());
        // pinned: a replica built from another version of this code must agree
        assertThat(Alert.fingerprint(Map.of(
                        "severity", "critical", "member", "pg-1", "cluster", "c1", "alertname", "PghaMemberDown")))
                .isEqualTo(a.fingerprint());
    }

    @Test
    void twoReplicasFedTheSameEventsAtDifferentTimesFireTheSameFingerprints() {
        List<PghaEvent> events = List.of(primary("pg-0", 0), replica("pg-1", 0), down("pg-1", 1), down("pg-1", 4));
        Sim one = new Sim();
        Sim two = new Sim();
        events.forEach(one::on);
        two.state = AlertState.empty(CLUSTER, at(0.5)); // started a little later
        events.forEach(
                e -> two.state = StateUpdate.apply(two.state, e, e.occurredAt().plusMillis(300)));
        two.eval(4.7);
        assertThat(two.state.active().keySet())
                .isEqualTo(one.state.active().keySet())
                .isNotEmpty();
    }

    @Test
    void changesBecomeAlertFiredAndAlertResolvedEventsThatEncode() throws Exception {
        Sim sim = new Sim();
        sim.on(primary("pg-0", 0));
        sim.on(down("pg-1", 1));
        AlertChange fired = sim.eval(3).get(0);
        AlertEvent.AlertFired f = (AlertEvent.AlertFired) fired.toEvent(at(3));
        assertThat(f.alert()).isEqualTo("PghaMemberDown");
        assertThat(f.member()).isEqualTo("pg-1");
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.fingerprint()).isEqualTo(fired.alert().fingerprint());
        assertThat(f.labels()).containsEntry("alertname", "PghaMemberDown");
        assertThat(f.annotations()).containsKeys("summary", "description", "runbook_url");
        assertThat(f.startsAt()).isEqualTo(at(1));
        assertThat(f.key()).isEqualTo("c1/PghaMemberDown");

        AlertChange resolvedChange = sim.on(replica("pg-1", 5)).get(0);
        AlertEvent.AlertResolved r = (AlertEvent.AlertResolved) resolvedChange.toEvent(at(5));
        assertThat(r.fingerprint()).isEqualTo(f.fingerprint());
        assertThat(r.startsAt()).isEqualTo(at(1));
        assertThat(r.endsAt()).isEqualTo(at(5));

        EventCodec codec = new EventCodec();
        for (AlertEvent e : List.of(f, r)) {
            assertThat(codec.decode(EventType.of(e), codec.encode(e))).isEqualTo(e);
        }
    }

    @Test
    void severitiesAndTheRunbookBaseAreConfigurable() {
        Thresholds d = Thresholds.defaults();
        Thresholds t = new Thresholds(
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
                d.healthMonitorSilentAfter(),
                d.coordinatorSilentAfter(),
                d.poolSaturation(),
                Map.of(AlertName.PghaMemberDown, Severity.WARNING),
                "https://runbooks.example/pgha/");
        Sim sim = new Sim(t);
        sim.on(primary("pg-0", 0));
        sim.on(down("pg-1", 1));
        Alert a = fired(sim.eval(3)).get(0);
        assertThat(a.severity()).isEqualTo(Severity.WARNING);
        assertThat(a.runbookUrl()).isEqualTo("https://runbooks.example/pgha/PghaMemberDown.md");
    }

    @Test
    void thresholdsWithWarningAboveCriticalAreRefusedNamingTheSetting() {
        Thresholds d = Thresholds.defaults();
        assertThatThrownBy(() -> new Thresholds(
                        d.memberDownFor(),
                        d.replicaNotStreamingFor(),
                        d.syncStandbyMissingFor(),
                        100,
                        10,
                        d.lagSecondsWarning(),
                        d.lagSecondsCritical(),
                        d.noPrimaryFor(),
                        d.twoPrimariesHold(),
                        d.happenedHold(),
                        d.archiveStalledAfter(),
                        d.backupOverdueAfter(),
                        d.connectionsWarningRatio(),
                        d.connectionsCriticalRatio(),
                        d.healthMonitorSilentAfter(),
                        d.coordinatorSilentAfter(),
                        d.poolSaturation(),
                        Map.of(),
                        ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lag-bytes-warning");
        assertThatThrownBy(() -> new Thresholds(
                        d.memberDownFor(),
                        d.replicaNotStreamingFor(),
                        d.syncStandbyMissingFor(),
                        d.lagBytesWarning(),
                        d.lagBytesCritical(),
                        d.lagSecondsWarning(),
                        d.lagSecondsCritical(),
                        Duration.ofSeconds(-1),
                        d.twoPrimariesHold(),
                        d.happenedHold(),
                        d.archiveStalledAfter(),
                        d.backupOverdueAfter(),
                        d.connectionsWarningRatio(),
                        d.connectionsCriticalRatio(),
                        d.healthMonitorSilentAfter(),
                        d.coordinatorSilentAfter(),
                        d.poolSaturation(),
                        Map.of(),
                        ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-primary-for");
    }

    @Test
    void anEventOfAnotherClusterIsRefusedAndOwnAlertEventsChangeNothing() {
        AlertState s = AlertState.empty("other", at(0));
        assertThatThrownBy(() -> StateUpdate.apply(s, primary("pg-0", 1), at(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'c1'")
                .hasMessageContaining("'other'");
        AlertState c1 = AlertState.empty(CLUSTER, at(0));
        var own = new AlertEvent.AlertResolved(CLUSTER, "PghaMemberDown", "ab", null, at(0), at(1), at(1));
        assertThat(StateUpdate.apply(c1, own, at(1))).isSameAs(c1);
    }
}
