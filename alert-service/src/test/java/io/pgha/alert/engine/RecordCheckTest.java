package io.pgha.alert.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.ElectionEvent;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordCheckTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aWellNamedEventUnderItsOwnKeyPasses() {
        assertThat(RecordCheck.problem("c1/pg-0", health("c1", "pg-0"))).isEmpty();
        assertThat(RecordCheck.problem("c1", coordinator("c1"))).isEmpty();
    }

    @Test
    void badNamesAndForeignKeysAreRefusedWithTheReason() {
        assertThat(RecordCheck.problem("c1/pg\n0", health("c1", "pg\n0")))
                .hasValueSatisfying(r -> assertThat(r).contains("member name").contains("invalid"));
        assertThat(RecordCheck.problem("../x", coordinator("../x")))
                .hasValueSatisfying(r -> assertThat(r).contains("cluster name"));
        assertThat(RecordCheck.problem("c2", coordinator("c1")))
                .hasValue("record key 'c2' is not the event's key 'c1' (CoordinatorElected is keyed by its cluster)");
        assertThat(RecordCheck.problem(null, health("c1", "pg-0")))
                .hasValueSatisfying(
                        r -> assertThat(r).contains("record key 'null'").contains("cluster/member"));
    }

    @Test
    void aPoolReadingIsKeyedByItsPoolerWhoseNameIsChecked() {
        assertThat(RecordCheck.problem("c1/renderer-0", pool("renderer-0"))).isEmpty();
        assertThat(RecordCheck.problem("c1/../etc", pool("../etc")))
                .hasValueSatisfying(r -> assertThat(r).contains("pooler name '../etc' is invalid"));
        assertThat(RecordCheck.problem("c1/pg-0", pool("renderer-0")))
                .hasValue("record key 'c1/pg-0' is not the event's key 'c1/renderer-0'"
                        + " (PoolUsageObserved is keyed by its cluster/pooler)");
    }

    private static PoolUsageObserved pool(String pooler) {
        return new PoolUsageObserved("c1", pooler, "app", "app", T, 1, 0, 0, 1, 20L);
    }

    private static NodeHealthObserved health(String cluster, String member) {
        return new NodeHealthObserved(
                cluster,
                member,
                "m",
                T,
                true,
                null,
                null,
                NodeRole.PRIMARY,
                1,
                null,
                null,
                null,
                null,
                null,
                3,
                1,
                100);
    }

    private static ElectionEvent coordinator(String cluster) {
        return new ElectionEvent.CoordinatorElected(cluster, 1, "coordinator-0", T);
    }
}
