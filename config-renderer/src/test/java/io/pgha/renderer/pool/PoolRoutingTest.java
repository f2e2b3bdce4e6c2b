package io.pgha.renderer.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Wait;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The executor of the pause for a lost primary, over an in-memory PgBouncer and HAProxy backend. */
class PoolRoutingTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final FakePgBouncer pgbouncer = new FakePgBouncer();
    private final AtomicReference<OptionalInt> backend = new AtomicReference<>(OptionalInt.of(1));
    private final AtomicInteger probes = new AtomicInteger();
    private final List<String> reported = Collections.synchronizedList(new ArrayList<>());
    private PoolRouting routing;

    private PoolRouting start() {
        routing = new PoolRouting(
                PgBouncerIniRendererTest.settings("transaction"),
                pgbouncer,
                Clock.systemUTC(),
                (cluster, pausedEpoch) -> reported.add(cluster + ":" + pausedEpoch),
                () -> {
                    probes.incrementAndGet();
                    return backend.get();
                });
        return routing;
    }

    @AfterEach
    void stop() {
        if (routing != null) {
            routing.close();
        }
    }

    @Test
    void theReadWritePoolsArePausedWhileHaproxysReadWriteBackendHasNoServer() {
        PoolRouting pool = start();
        Wait.until(
                DEADLINE, "the pooler configured and the backend seen up", () -> pool.configured() && probes.get() > 2);

        backend.set(OptionalInt.of(0));
        // the pause is reported right after the state is set: wait for it, not only the state
        Wait.until(DEADLINE, "the read-write pools paused and reported", () -> pool.paused() && reported.size() >= 2);
        assertThat(pgbouncer.commands).contains("PAUSE postgres", "PAUSE app");
        assertThat(reported)
                .as("a pause for a lost primary is not reported as a switchover's (paused_epoch)")
                .allMatch(r -> r.endsWith(":null"));

        backend.set(OptionalInt.of(1));
        Wait.until(DEADLINE, "the read-write pools resumed", () -> !pool.paused());
        assertThat(pgbouncer.commands).contains("RESUME postgres", "RESUME app");
        assertThat(pgbouncer.paused).isEmpty();
    }

    @Test
    void aPauseThatStillWaitsForRunningTransactionsCountsOncePgBouncerSaysThePoolIsPaused() {
        pgbouncer.pauseAnswers = false; // running queries on the dead primary: PAUSE does not return in time
        PoolRouting pool = start();
        Wait.until(
                DEADLINE, "the pooler configured and the backend seen up", () -> pool.configured() && probes.get() > 2);

        backend.set(OptionalInt.of(0));
        Wait.until(DEADLINE, "the read-write pools paused", pool::paused);
        assertThat(pgbouncer.paused).containsExactlyInAnyOrder("postgres", "app");
        assertThat(pgbouncer.commands).doesNotContain("RESUME postgres");
    }

    @Test
    void aBackendNeverSeenUpPausesNothing() {
        backend.set(OptionalInt.of(0));
        PoolRouting pool = start();
        Wait.until(DEADLINE, "the backend probed a few times", () -> pool.configured() && probes.get() > 5);

        assertThat(pool.paused()).isFalse();
        assertThat(pgbouncer.commands).noneMatch(c -> c.startsWith("PAUSE"));
    }

    /** PgBouncer in memory: the commands it took and the databases it holds paused. */
    static final class FakePgBouncer implements PgBouncerControl {
        final List<String> commands = Collections.synchronizedList(new ArrayList<>());
        final Set<String> paused = ConcurrentHashMap.newKeySet();
        volatile String config;
        volatile boolean pauseAnswers = true;

        @Override
        public Optional<String> currentConfig() {
            return Optional.ofNullable(config);
        }

        @Override
        public void install(String text) {
            config = text;
        }

        @Override
        public void command(String command) {
            commands.add(command);
            String[] words = command.split(" ");
            if (words[0].equals("PAUSE")) {
                paused.add(words[1]); // PgBouncer sets db_paused before it waits for running queries
                if (!pauseAnswers) {
                    throw new PgBouncerException("did not take '" + command + "' within 2000 ms", null);
                }
            } else if (words[0].equals("RESUME") && !paused.remove(words[1])) {
                throw new PgBouncerException("database " + words[1] + " is not paused", null);
            }
        }

        @Override
        public void command(String command, Duration timeout) {
            command(command);
        }

        @Override
        public boolean paused(String db) {
            return paused.contains(db);
        }
    }
}
