package io.pgha.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterWorkersTest {
    private final WorkerHarness h = new WorkerHarness();
    private final ClusterWorkers workers = new ClusterWorkers(
            cluster -> new ClusterWorker(
                    cluster,
                    "coordinator-1",
                    h.store,
                    h.agents,
                    h.health,
                    h.events,
                    h.settings,
                    () -> 0,
                    h.clock,
                    h.nanos::get),
            h.health);

    @AfterEach
    void stop() {
        workers.stopAll();
    }

    @Test
    void aClusterGoneFromEtcdLosesItsWorkerAndItsHealthView() {
        workers.reconcile(List.of("a", "b"));
        h.health.record(HealthViewTest.seen("b", "pg-1", java.time.Instant.now(), true));
        assertThat(workers.clusters()).containsExactly("a", "b");

        workers.reconcile(List.of("a"));

        assertThat(workers.clusters()).containsExactly("a");
        assertThat(workers.get("b")).isNull();
        assertThat(h.health.of("b", "pg-1", Duration.ofSeconds(15), Instant.now()))
                .isEmpty();
    }

    @Test
    void aClusterNameThatIsNotValidGetsNoWorker() {
        workers.reconcile(List.of("ok", "not/valid"));
        assertThat(workers.clusters()).containsExactly("ok");
    }
}
