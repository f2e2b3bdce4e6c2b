package io.pgha.renderer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Topology event → HAProxy serving the new configuration, over {@value #CHANGES} changes: every
 * other change adds or removes a member (validate, swap, reload through the master socket), the
 * others move the leader among the same members (runtime API, no reload). The clock starts before
 * the record is sent to Kafka and stops when HAProxy's runtime API shows the new server set or
 * states. Members are addresses with stand-in agents (no PostgreSQL: the data path is not measured).
 *
 * <pre>./mvnw -B -pl config-renderer verify -Dgroups=bench -DexcludedGroups=none -Dit.test=RoutingBenchIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@Tag("bench")
class RoutingBenchIT {
    static final int CHANGES = 100;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    @Test
    void topologyEventToHaproxyServingTheNewConfiguration() throws Exception {
        RoutingFixture fixture = new RoutingFixture(infra);
        fixture.member("pg-0", Ports.LOOPBACK, Ports.free(), StandInAgent.Role.PRIMARY);
        fixture.member("pg-1", Ports.LOOPBACK, Ports.free(), StandInAgent.Role.REPLICA);
        fixture.member("pg-2", Ports.LOOPBACK, Ports.free(), StandInAgent.Role.REPLICA);
        fixture.member("pg-3", Ports.LOOPBACK, Ports.free(), StandInAgent.Role.REPLICA);
        List<String> three = List.of("pg-0", "pg-1", "pg-2");
        List<String> four = List.of("pg-0", "pg-1", "pg-2", "pg-3");

        long epoch = 1;
        fixture.publish(fixture.topology(epoch, "pg-0", three));
        Wait.until(DEADLINE, "first configuration served", () -> fixture.serverStatus("main_rw", "pg-2")
                .isPresent());

        List<Long> reloads = new ArrayList<>();
        List<Long> runtime = new ArrayList<>();
        boolean withFourth = false;
        String leader = "pg-0";
        for (int i = 0; i < CHANGES; i++) {
            epoch++;
            if (i % 2 == 0) {
                withFourth = !withFourth;
                boolean expectFourth = withFourth;
                reloads.add(measure(
                        fixture,
                        epoch,
                        leader,
                        expectFourth ? four : three,
                        () -> fixture.serverStatus("main_rw", "pg-3").isPresent() == expectFourth));
            } else {
                String previous = leader;
                leader = leader.equals("pg-0") ? "pg-1" : "pg-0";
                String now = leader;
                runtime.add(measure(
                        fixture,
                        epoch,
                        leader,
                        withFourth ? four : three,
                        () -> fixture.serverStatus("main_ro", now).orElse("").equals("MAINT")
                                && !fixture.serverStatus("main_ro", previous)
                                        .orElse("MAINT")
                                        .equals("MAINT")));
            }
        }
        List<Long> all = new ArrayList<>(reloads);
        all.addAll(runtime);
        String result = String.format(
                "%s changes=%d all p50=%d ms p99=%d ms max=%d ms | reload (n=%d) p50=%d p99=%d max=%d | runtime API"
                        + " (n=%d) p50=%d p99=%d max=%d | reloads by renderer=%d runtime updates=%d",
                Instant.now(),
                all.size(),
                percentile(all, 50),
                percentile(all, 99),
                Collections.max(all),
                reloads.size(),
                percentile(reloads, 50),
                percentile(reloads, 99),
                Collections.max(reloads),
                runtime.size(),
                percentile(runtime, 50),
                percentile(runtime, 99),
                Collections.max(runtime),
                fixture.status().get("reloads").asLong(),
                fixture.status().get("runtime_updates").asLong());
        System.out.println("BENCH config-renderer: " + result);
        Path out = Path.of("target", "bench-results.txt");
        Files.writeString(
                out, result + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        assertThat(all).hasSizeGreaterThanOrEqualTo(50);
    }

    /** Publishes the topology and returns the milliseconds until {@code served} holds. */
    private static long measure(
            RoutingFixture fixture, long epoch, String leader, List<String> members, BooleanSupplier served) {
        long start = System.nanoTime();
        fixture.publish(fixture.topology(epoch, leader, members));
        long deadline = start + DEADLINE.toNanos();
        while (!safely(served)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("epoch " + epoch + " not served within " + DEADLINE);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static boolean safely(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false; // the runtime socket is rebound during a reload
        }
    }

    static long percentile(List<Long> values, int percentile) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
