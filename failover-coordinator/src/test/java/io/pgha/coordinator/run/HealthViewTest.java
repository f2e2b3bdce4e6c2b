package io.pgha.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthViewTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration MAX_AGE = Duration.ofSeconds(15);

    private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    private final HealthView view = new HealthView(now::get);

    @Test
    void anObservationDatedInTheFutureDoesNotHideTheNextOnes() {
        view.record(seen("c", "pg-1", NOW.plus(Duration.ofHours(1)), false));
        now.set(NOW.plus(HealthView.MAX_SKEW).plusSeconds(1));
        view.record(seen("c", "pg-1", now.get(), true));

        assertThat(view.of("c", "pg-1", MAX_AGE, now.get()))
                .hasValueSatisfying(s -> assertThat(s.reachable()).isTrue());
    }

    @Test
    void theListenerHearsOnlyWhenAMembersReachabilityChanges() {
        java.util.List<String> told = new java.util.ArrayList<>();
        view.onReachabilityChange(told::add);

        view.record(seen("c", "pg-1", NOW, true));
        view.record(seen("c", "pg-1", NOW.plusSeconds(1), true));
        assertThat(told).as("first seen reachable, then again").isEmpty();

        view.record(seen("c", "pg-1", NOW.plusSeconds(2), false));
        view.record(seen("c", "pg-1", NOW.plusSeconds(3), false));
        view.record(seen("c", "pg-1", NOW, true));
        assertThat(told)
                .as("unreachable once; an older observation is not kept")
                .containsExactly("c");

        view.record(seen("c", "pg-1", NOW.plusSeconds(4), true));
        view.record(seen("d", "pg-1", NOW, false));
        assertThat(told).containsExactly("c", "c", "d");
    }

    @Test
    void anOlderObservationDoesNotReplaceALaterOne() {
        view.record(seen("c", "pg-1", NOW, true));
        view.record(seen("c", "pg-1", NOW.minusSeconds(2), false));

        assertThat(view.of("c", "pg-1", MAX_AGE, NOW))
                .hasValueSatisfying(s -> assertThat(s.reachable()).isTrue());
    }

    @Test
    void membersAndClustersThatDisappearAreForgotten() {
        view.record(seen("c", "pg-1", NOW, true));
        view.record(seen("c", "pg-2", NOW, true));
        view.record(seen("gone", "pg-1", NOW, true));

        view.retain("c", Set.of("pg-1"));
        view.forget("gone");

        assertThat(view.of("c", "pg-1", MAX_AGE, NOW)).isPresent();
        assertThat(view.of("c", "pg-2", MAX_AGE, NOW)).isEmpty();
        assertThat(view.of("gone", "pg-1", MAX_AGE, NOW)).isEmpty();
        assertThat(view.size()).isEqualTo(1);
    }

    @Test
    void observationsTooOldToCountAreDropped() {
        view.record(seen("c", "pg-1", NOW.minusSeconds(60), true));
        view.record(seen("c", "pg-2", NOW, true));

        view.dropOlderThan(NOW.minus(MAX_AGE));

        assertThat(view.size()).isEqualTo(1);
    }

    /** A health-monitor observation of {@code member}, for the tests of this package. */
    static NodeHealthObserved seen(String cluster, String member, Instant at, boolean reachable) {
        return new NodeHealthObserved(
                cluster,
                member,
                "monitor-1",
                at,
                reachable,
                reachable ? null : ErrorClass.OTHER,
                reachable ? null : "connection refused",
                NodeRole.REPLICA,
                null,
                null,
                null,
                null,
                null,
                null,
                1,
                null,
                null);
    }
}
