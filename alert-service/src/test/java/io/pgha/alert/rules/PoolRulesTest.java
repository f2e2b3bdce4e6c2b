package io.pgha.alert.rules;

import static io.pgha.alert.rules.Sim.CLUSTER;
import static io.pgha.alert.rules.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.alert.engine.Announced;
import io.pgha.events.AlertEvent;
import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PghaPoolSaturated from histories of pool readings, as config-renderer publishes them. */
class PoolRulesTest {
    /** Silence rules quiet: these histories have pool readings only. */
    private static final Thresholds QUIET = PrimaryRulesTest.quietWatchers();

    /** A reading of pool app/app at {@code seconds}: {@code waiting} clients, the oldest for {@code maxWait} s. */
    static PoolUsageObserved reading(String pooler, double seconds, long waiting, double maxWait) {
        return new PoolUsageObserved(CLUSTER, pooler, "app", "app", at(seconds), 20, waiting, maxWait, 20, 20L);
    }

    @Test
    void aQueueThatKeepsWaitingFiresAWarningAfterTheHoldThenCriticalAndResolvesWhenNobodyWaits() {
        Sim sim = new Sim(QUIET);
        // every 5 s, like config-renderer while clients wait; the oldest wait reaches 5 s at 15 s
        double[] waits = {0, 1, 2, 5, 6, 7};
        for (int i = 0; i < waits.length; i++) {
            assertThat(sim.on(reading("renderer-0", i * 5, 3, waits[i]))).isEmpty();
        }
        assertThat(sim.eval(29.9)).isEmpty();
        List<Alert> fired = fired(sim.on(reading("renderer-0", 30, 3, 8)));
        assertThat(fired).hasSize(1);
        Alert warning = fired.get(0);
        assertThat(warning.name()).isEqualTo(AlertName.PghaPoolSaturated);
        assertThat(warning.severity()).isEqualTo(Severity.WARNING);
        assertThat(warning.startsAt()).isEqualTo(at(15));
        // the same labels as the shipped Prometheus rule, so Alertmanager keeps one alert for both
        assertThat(warning.labels())
                .isEqualTo(Map.of(
                        "alertname", "PghaPoolSaturated",
                        "cluster", CLUSTER,
                        "database", "app",
                        "user", "app",
                        "severity", "warning"));
        assertThat(warning.summary()).isEqualTo("clients of pool app/app wait 8s for a server connection");
        assertThat(warning.description())
                .startsWith("The oldest waiting client of pool app/app of c1 has waited at least 5 s for a server"
                        + " connection for 15 s: the pool is saturated")
                .contains("renderer-0: 3 waiting, oldest 8.0 s, 20 of 20 server connections");
        assertThat(warning.runbookUrl()).isEqualTo("docs/runbooks/PghaPoolSaturated.md");

        // the oldest wait passes 30 s at 55 s and stays: critical 15 s later, the warning resolved
        for (int s = 35; s <= 65; s += 5) {
            assertThat(sim.on(reading("renderer-0", s, 5, s - 22))).isEmpty();
        }
        List<AlertChange> escalated = sim.on(reading("renderer-0", 70, 5, 48));
        assertThat(escalated).hasSize(2);
        assertThat(escalated)
                .filteredOn(c -> c instanceof AlertChange.Resolved)
                .singleElement()
                .satisfies(c -> assertThat(c.alert().severity()).isEqualTo(Severity.WARNING));
        assertThat(fired(escalated)).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.startsAt()).isEqualTo(at(55));
        });
        assertThat(sim.on(reading("renderer-0", 75, 5, 53))).isEmpty();

        // the queue empties: resolved at once
        List<AlertChange> done = sim.on(reading("renderer-0", 80, 0, 0));
        assertThat(done).singleElement().isInstanceOf(AlertChange.Resolved.class);
        assertThat(sim.state.active()).isEmpty();
        assertThat(sim.eval(200)).isEmpty();
    }

    @Test
    void aShortWaitOrAQueueThatEmptiesBetweenReadingsDoesNotFire() {
        Sim sim = new Sim(QUIET);
        sim.on(reading("renderer-0", 0, 2, 6));
        sim.on(reading("renderer-0", 5, 0, 0));
        sim.on(reading("renderer-0", 10, 2, 6));
        sim.on(reading("renderer-0", 15, 2, 3)); // the queue turned over: the oldest has waited 3 s
        sim.on(reading("renderer-0", 20, 2, 6));
        sim.on(reading("renderer-0", 25, 2, 7));
        assertThat(sim.eval(34)).isEmpty(); // 6 s since 20 s: held 14 s at 34 s
        assertThat(fired(sim.eval(35))).singleElement().satisfies(a -> assertThat(a.startsAt())
                .isEqualTo(at(20)));
    }

    @Test
    void poolersCountTogetherPerPoolAndOtherPoolsApart() {
        Sim sim = new Sim(QUIET);
        for (int s = 0; s <= 20; s += 5) {
            sim.on(reading("renderer-0", s, 4, 6 + s));
            sim.on(reading("renderer-1", s, 0, 0));
            sim.on(new PoolUsageObserved(CLUSTER, "renderer-0", "app_ro", "app", at(s), 1, 0, 0, 1, 20L));
        }
        assertThat(sim.state.active().values()).singleElement().satisfies(a -> {
            assertThat(a.scope()).isEqualTo(Map.of("database", "app", "user", "app"));
            assertThat(a.description()).contains("renderer-0: 4 waiting").contains("renderer-1: 0 waiting");
        });
        // the saturated pooler goes quiet: the other's readings do not keep the alert, the stale one stops counting
        for (int s = 25; s <= 105; s += 5) {
            sim.on(reading("renderer-1", s, 0, 0));
        }
        assertThat(sim.state.active()).isNotEmpty(); // last reading of renderer-0 at 20 s, stale after 110 s
        sim.on(reading("renderer-1", 110, 0, 0));
        assertThat(sim.state.active()).isEmpty();
    }

    @Test
    void aLateReadingIsIgnoredAndPoolReadingsDoNotStandInForTheHealthMonitor() {
        Sim sim = new Sim(Thresholds.defaults());
        sim.on(Sim.primary("pg-0", 0));
        for (int s = 0; s <= 20; s += 5) {
            sim.on(reading("renderer-0", s, 3, 6 + s));
        }
        // late (read at 2 s, folded at 20 s): does not end the wait
        sim.state = StateUpdate.apply(sim.state, reading("renderer-0", 2, 0, 0), at(20));
        assertThat(sim.eval(20)).isEmpty();
        assertThat(sim.activeNames()).containsExactly("PghaPoolSaturated");
        for (int s = 25; s <= 40; s += 5) {
            sim.on(reading("renderer-0", s, 3, 6 + s));
        }
        // no probe since 0 s: the health-monitor is silent although pool readings keep coming
        assertThat(sim.activeNames()).containsExactly("PghaHealthMonitorSilent", "PghaPoolSaturated");
        assertThat(sim.state.lastEventAt()).containsEntry(AlertState.Producer.CONFIG_RENDERER, at(40));
    }

    @Test
    void theLevelsAndTheHoldAreSettings() {
        Thresholds d = QUIET;
        assertThat(Thresholds.defaults().poolSaturation())
                .isEqualTo(new Thresholds.PoolSaturation(
                        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(90)));
        Sim sim = new Sim(d.withPoolSaturation(new Thresholds.PoolSaturation(
                Duration.ofSeconds(2),
                Duration.ofSeconds(4),
                Duration.ZERO,
                d.poolSaturation().staleAfter())));
        assertThat(fired(sim.on(reading("renderer-0", 0, 1, 2.5))))
                .singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.WARNING));
        assertThat(fired(sim.on(reading("renderer-0", 1, 1, 4))))
                .singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.CRITICAL));

        assertThatThrownBy(() -> new Thresholds.PoolSaturation(
                        Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO, Duration.ofSeconds(90)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool-wait-warning (PT30S) is above pool-wait-critical (PT5S)");
        assertThatThrownBy(() -> new Thresholds.PoolSaturation(
                        Duration.ZERO, Duration.ofSeconds(5), Duration.ZERO, Duration.ofSeconds(90)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool-wait-warning is PT0S");
    }

    @Test
    void anAnnouncedPoolAlertIsRebuiltWithItsPoolLabelsAfterARestart() {
        Sim sim = new Sim(QUIET);
        for (int s = 0; s <= 20; s += 5) {
            sim.on(reading("renderer-0", s, 3, 6 + s));
        }
        Alert alert = sim.state.active().values().iterator().next();
        AlertEvent.AlertFired announced = new AlertChange.Fired(alert).toEvent(at(20));
        assertThat(announced.labels()).containsEntry("database", "app").containsEntry("user", "app");

        Map<String, Alert> rebuilt = Announced.fold(Map.of(), announced);
        assertThat(rebuilt).containsOnlyKeys(alert.fingerprint());
        assertThat(rebuilt.get(alert.fingerprint()).scope()).isEqualTo(alert.scope());
    }

    private static List<Alert> fired(List<AlertChange> changes) {
        return changes.stream()
                .filter(c -> c instanceof AlertChange.Fired)
                .map(AlertChange::alert)
                .toList();
    }
}
