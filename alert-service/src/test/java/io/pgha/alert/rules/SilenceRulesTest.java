package io.pgha.alert.rules;

import static io.pgha.alert.rules.Sim.at;
import static io.pgha.alert.rules.Sim.fired;
import static io.pgha.alert.rules.Sim.names;
import static io.pgha.alert.rules.Sim.primary;
import static io.pgha.alert.rules.Sim.resolved;
import static io.pgha.alert.rules.Sim.topology;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The watchers are watched: no event from a producer for too long alerts. */
class SilenceRulesTest {

    @Test
    void healthMonitorSilentFiresAfterItsDelayAndResolvesOnTheNextProbe() {
        Sim sim = new Sim();
        sim.on(topology(0, "pg-0"));
        sim.on(primary("pg-0", 1));
        sim.on(topology(20, "pg-0"));
        assertThat(sim.eval(30.9)).isEmpty();

        List<Alert> fired = fired(sim.eval(31));

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo(AlertName.PghaHealthMonitorSilent);
            assertThat(a.labels()).containsEntry("severity", "critical").doesNotContainKey("member");
            assertThat(a.description()).contains("pgha.node-health", at(1).toString());
            assertThat(a.runbookUrl()).isEqualTo("docs/runbooks/PghaHealthMonitorSilent.md");
        });
        assertThat(sim.eval(35)).isEmpty();
        assertThat(names(resolved(sim.on(primary("pg-0", 36))))).containsExactly("PghaHealthMonitorSilent");
    }

    @Test
    void coordinatorSilentFiresWithoutTopologyRepublishesAndResolvesOnTheNextOne() {
        Sim sim = new Sim();
        sim.on(topology(0, "pg-0"));
        for (int s = 1; s < 60; s++) {
            sim.on(primary("pg-0", s));
        }
        assertThat(sim.activeNames()).isEmpty();

        List<Alert> fired = fired(sim.on(primary("pg-0", 60)));

        assertThat(names(fired)).containsExactly("PghaCoordinatorSilent");
        assertThat(fired.get(0).runbookUrl()).isEqualTo("docs/runbooks/PghaCoordinatorSilent.md");
        assertThat(sim.on(primary("pg-0", 61))).isEmpty();
        assertThat(names(resolved(sim.on(topology(62, "pg-0"))))).containsExactly("PghaCoordinatorSilent");
    }

    @Test
    void aProducerNeverHeardFromCountsFromTheFirstEventOfTheCluster() {
        Sim sim = new Sim();
        for (int s = 0; s < 30; s++) {
            sim.on(topology(s, "pg-0"));
        }
        assertThat(sim.activeNames()).isEmpty();
        assertThat(names(fired(sim.on(topology(30, "pg-0"))))).containsExactly("PghaHealthMonitorSilent");
    }
}
