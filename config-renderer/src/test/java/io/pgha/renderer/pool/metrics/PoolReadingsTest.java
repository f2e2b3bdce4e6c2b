package io.pgha.renderer.pool.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import io.pgha.messaging.EventPublisher;
import io.pgha.renderer.pool.metrics.PoolReadings.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PoolReadingsTest {
    private static final Instant T = Instant.parse("2026-12-02T04:00:00Z");
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    static PoolUsage pool(String database, String user, long waiting, double maxWait, long poolSize) {
        return new PoolUsage(
                database,
                user,
                3,
                waiting,
                new PoolUsage.ServerConnections(15, 3, 1, 0, 1),
                maxWait,
                poolSize,
                0,
                "transaction");
    }

    static PoolSnapshot snapshot(PoolUsage... pools) {
        return new PoolSnapshot(List.of(pools), List.of(), 10, 1000);
    }

    @Test
    void oneReadingPerPoolWithoutTheAdminConsolesOwnAndWithoutUnusableNames() {
        PoolReadings.Read read = PoolReadings.of(
                "c1",
                "renderer-0",
                snapshot(
                        pool("pgbouncer", "pgbouncer", 0, 0, 2),
                        pool("app", "app", 2, 6.5, 20),
                        pool("app_ro", "app", 0, 0, -1),
                        pool("app", "bad\u001buser", 0, 0, 20)),
                T);

        assertThat(read.readings())
                .containsExactly(
                        new PoolUsageObserved("c1", "renderer-0", "app", "app", T, 3, 2, 6.5, 20, 20L),
                        new PoolUsageObserved("c1", "renderer-0", "app_ro", "app", T, 3, 0, 0, 20, null));
        assertThat(read.refused())
                .singleElement()
                .isEqualTo("pool 'app'/'bad?user': user contains a control character: no usable name does");
    }

    @Test
    void publishedWhileWaitingOnceAfterOnPoolSizeChangeAndAsHeartbeat() {
        PoolUsageObserved idle = reading(0, 0, 0, 20L);
        assertThat(PoolReadings.decide(null, null, idle, HEARTBEAT)).hasValue(Reason.FIRST);
        assertThat(PoolReadings.decide(idle, T, reading(5, 0, 0, 20L), HEARTBEAT))
                .isEmpty();
        assertThat(PoolReadings.decide(idle, T, reading(5, 1, 0.2, 20L), HEARTBEAT))
                .hasValue(Reason.WAITING);
        PoolUsageObserved waiting = reading(10, 4, 7, 20L);
        assertThat(PoolReadings.decide(waiting, at(10), reading(15, 4, 12, 20L), HEARTBEAT))
                .hasValue(Reason.WAITING);
        assertThat(PoolReadings.decide(waiting, at(10), reading(15, 0, 0, 20L), HEARTBEAT))
                .hasValue(Reason.STOPPED_WAITING);
        assertThat(PoolReadings.decide(idle, T, reading(5, 0, 0, 40L), HEARTBEAT))
                .hasValue(Reason.POOL_SIZE);
        assertThat(PoolReadings.decide(idle, T, reading(29, 0, 0, 20L), HEARTBEAT))
                .isEmpty();
        assertThat(PoolReadings.decide(idle, T, reading(30, 0, 0, 20L), HEARTBEAT))
                .hasValue(Reason.HEARTBEAT);
    }

    @Test
    void thePublisherSendsWhatTheRulesSayAndResendsWhatFailed() {
        List<PoolUsageObserved> sent = new ArrayList<>();
        boolean[] down = {false};
        EventPublisher publisher = event -> {
            if (down[0]) {
                return CompletableFuture.failedFuture(new IllegalStateException("broker down"));
            }
            sent.add((PoolUsageObserved) event);
            return CompletableFuture.completedFuture(null);
        };
        PoolUsagePublisher pools = new PoolUsagePublisher("renderer-0", HEARTBEAT, publisher);

        pools.read("c1", snapshot(pool("app", "app", 0, 0, 20), pool("pgbouncer", "pgbouncer", 0, 0, 2)), at(0));
        pools.read("c1", snapshot(pool("app", "app", 0, 0, 20)), at(5)); // nothing new
        pools.read("c1", snapshot(pool("app", "app", 3, 5.5, 20)), at(10));
        down[0] = true;
        pools.read("c1", snapshot(pool("app", "app", 0, 0, 20)), at(15)); // lost
        down[0] = false;
        pools.read("c1", snapshot(pool("app", "app", 0, 0, 20)), at(20)); // sent again: still "stopped waiting"
        pools.read("c1", snapshot(pool("app", "app", 0, 0, 20)), at(25));

        assertThat(sent)
                .extracting(r -> r.observedAt(), r -> r.clientsWaiting())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(at(0), 0L),
                        org.assertj.core.groups.Tuple.tuple(at(10), 3L),
                        org.assertj.core.groups.Tuple.tuple(at(20), 0L));
        assertThat(sent).allSatisfy(r -> assertThat(r.key()).isEqualTo("c1/renderer-0"));
    }

    private static Instant at(long seconds) {
        return T.plusSeconds(seconds);
    }

    private static PoolUsageObserved reading(long seconds, long waiting, double maxWait, Long poolSize) {
        return new PoolUsageObserved("c1", "renderer-0", "app", "app", at(seconds), 3, waiting, maxWait, 20, poolSize);
    }
}
