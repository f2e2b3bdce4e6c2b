package io.pgha.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ProducersTest {
    @Test
    void everyTypeHasOneOfTheKnownKinds() {
        for (EventType type : EventType.ALL) {
            assertThat(Producers.kinds()).as(type.ceType()).contains(Producers.of(type));
        }
    }

    @Test
    void eachTopicIsWrittenByTheKindsDesignMdNames() {
        assertThat(Producers.of(Topics.NODE_HEALTH)).containsExactly("health-monitor", "config-renderer");
        assertThat(Producers.of(Topics.ELECTION)).containsExactly("failover-coordinator");
        assertThat(Producers.of(Topics.TOPOLOGY)).containsExactly("failover-coordinator");
        assertThat(Producers.of(Topics.BACKUP)).containsExactly("backup-service");
        assertThat(Producers.of(Topics.ALERTS)).containsExactly("alert-service");
        assertThat(Producers.of(EventType.of(NodeHealthEvent.PoolUsageObserved.class)))
                .isEqualTo("config-renderer");
        assertThat(Producers.of(EventType.of(NodeHealthEvent.NodeHealthObserved.class)))
                .isEqualTo("health-monitor");
    }

    @Test
    void theRightSourceHasNoProblem() {
        EventType topology = EventType.of(TopologyEvent.TopologyChanged.class);
        assertThat(Producers.problem(topology, "/pgha/failover-coordinator/fc-1"))
                .isEmpty();
        assertThat(Producers.problem(
                        topology,
                        new EventSource("failover-coordinator", "pod-7").uri().toString()))
                .isEmpty();
    }

    @Test
    void aSourceOfAnotherKindIsNamedWithTheKindExpected() {
        EventType topology = EventType.of(TopologyEvent.TopologyChanged.class);
        assertThat(Producers.problem(topology, "/pgha/config-renderer/renderer-0"))
                .hasValue("the CloudEvent source '/pgha/config-renderer/renderer-0' is of kind config-renderer,"
                        + " expected failover-coordinator: only failover-coordinator publishes io.pgha.topology-changed.v1 on"
                        + " pgha.topology (source /pgha/failover-coordinator/<instance>)");
        EventType pool = EventType.of(NodeHealthEvent.PoolUsageObserved.class);
        assertThat(Producers.problem(pool, "/pgha/health-monitor/hm-0"))
                .get()
                .asString()
                .contains("expected config-renderer");
    }

    @Test
    void aMissingSourceIsAProblem() {
        EventType alert = EventType.of(AlertEvent.AlertFired.class);
        assertThat(Producers.problem(alert, null))
                .get()
                .asString()
                .startsWith("the record has no CloudEvent source (header ce_source): only alert-service publishes");
        assertThat(Producers.problem(alert, "")).isPresent();
    }

    @Test
    void aMalformedSourceIsAProblemAndPrintedSafely() {
        EventType backup = EventType.of(BackupEvent.BaseBackupStarted.class);
        for (String malformed : Set.of(
                "backup-service",
                "/pgha/backup-service",
                "/pgha/backup-service/",
                "/pgha/backup-service/bs-0/extra",
                "pgha/backup-service/bs-0",
                "https://evil.example/pgha/backup-service/bs-0",
                "/pgha/backup service/bs-0",
                "/PGHA/backup-service/bs-0")) {
            assertThat(Producers.problem(backup, malformed))
                    .as(malformed)
                    .get()
                    .asString()
                    .contains("is not of the form /pgha/<service>/<instance>")
                    .contains("backup-service");
        }
        assertThat(Producers.problem(backup, "/pgha/x/\n" + "y".repeat(500)))
                .get()
                .asString()
                .contains("\\u000a")
                .doesNotContain("\n")
                .hasSizeLessThan(500);
    }

    @Test
    void eventSourceParsesWhatItWrites() {
        EventSource source = new EventSource("health-monitor", "hm-0.a_b~c");
        assertThat(EventSource.parse(source.uri().toString())).hasValue(source);
        assertThat(EventSource.parse(null)).isEmpty();
        assertThat(EventSource.parse("/pgha/health-monitor/hm 0")).isEmpty();
    }
}
