package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's "switchovers clients do not notice": the whole suite as {@code ./pgha up} starts it, a
 * writer through PgBouncer (the pooled read-write database) and the same writer straight through
 * HAProxy's read-write port, both as an ordinary login role (PgBouncer looks it up with auth_query).
 * Across a planned switchover the pooled writer sees no failed transaction (asserted), only added
 * latency (printed: p50/p99/max); across a node loss (kill -9 of the primary's agent and postmaster)
 * both writers' failures are counted and printed side by side.
 */
@Tag("failover")
class PooledSwitchoverIT {
    private static final String ROLE = "pgha_app";
    private static final String ROLE_PASSWORD = "app-secret-18";
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration RECOVERY = Duration.ofSeconds(90);

    @Test
    void aPlannedSwitchoverFailsNoPooledTransactionAndANodeLossIsCountedBesideHaproxy() throws Exception {
        try (Workspace workspace = Workspace.temporary("pooled-switchover");
                PghaBenchCluster cluster = new PghaBenchCluster(workspace)) {
            cluster.start();
            String superuser = PostgresNode.jdbcUrl(Ports.LOOPBACK, cluster.readWritePort())
                    + cluster.jdbcParameters() + "&password="
                    + cluster.superuserPassword();
            PostgresNode.execute(superuser, "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'");
            PostgresNode.execute(superuser, "GRANT CREATE ON SCHEMA public TO " + ROLE);

            try (Writer pooled = new Writer(
                                    Ports.LOOPBACK,
                                    cluster.poolerPort(),
                                    ROLE,
                                    ROLE_PASSWORD,
                                    "pooled_writes",
                                    // no server-side prepared statements through transaction pooling (1.18);
                                    // a socket timeout above pgha.renderer.pool.max-pause (10 s): a held query
                                    // is waiting, not lost
                                    "&prepareThreshold=0&socketTimeout=20")
                            .start(START);
                    Writer direct = new Writer(
                                    Ports.LOOPBACK,
                                    cluster.readWritePort(),
                                    ROLE,
                                    ROLE_PASSWORD,
                                    "direct_writes",
                                    cluster.jdbcParameters())
                            .start(START)) {
                long warm = System.nanoTime();
                Wait.until(
                        Duration.ofSeconds(30),
                        "both writers acknowledged 20 inserts",
                        () -> pooled.acknowledgedAfter(warm) >= 20 && direct.acknowledgedAfter(warm) >= 20);
                long baselineEnd = System.nanoTime();

                // planned switchover
                String leader = cluster.leader();
                String candidate = cluster.members().stream()
                        .filter(m -> !m.equals(leader))
                        .findFirst()
                        .orElseThrow();
                long switchover = System.nanoTime();
                cluster.switchover(leader, candidate);
                Wait.until(RECOVERY, "the pooled writer acknowledged by " + candidate, () -> pooled.lastMember()
                        .filter(candidate::equals)
                        .isPresent());
                Wait.until(RECOVERY, "the direct writer acknowledged by " + candidate, () -> direct.lastMember()
                        .filter(candidate::equals)
                        .isPresent());
                long routed = System.nanoTime();
                Wait.until(
                        Duration.ofSeconds(30),
                        "50 more inserts of each writer after the switchover",
                        () -> pooled.acknowledgedAfter(routed) >= 50 && direct.acknowledgedAfter(routed) >= 50);
                long settled = System.nanoTime();
                List<Writer.Failure> pooledSwitchoverFailures = pooled.failuresAfter(switchover);
                List<Writer.Failure> directSwitchoverFailures = direct.failuresAfter(switchover);
                print("baseline (pooled)", pooled.acksBetween(warm, baselineEnd), List.of());
                print("baseline (direct :5000)", direct.acksBetween(warm, baselineEnd), List.of());
                print("switchover (pooled)", pooled.acksBetween(switchover, settled), pooledSwitchoverFailures);
                print("switchover (direct :5000)", direct.acksBetween(switchover, settled), directSwitchoverFailures);

                // node loss of the new primary
                String lost = cluster.leader();
                long loss = System.nanoTime();
                cluster.killNode(lost);
                Wait.until(
                        RECOVERY,
                        "the pooled writer acknowledged by another member than " + lost,
                        () -> pooled.lastMember().filter(m -> !m.equals(lost)).isPresent());
                Wait.until(
                        RECOVERY,
                        "the direct writer acknowledged by another member than " + lost,
                        () -> direct.lastMember().filter(m -> !m.equals(lost)).isPresent());
                long after = System.nanoTime();
                List<Writer.Failure> pooledLoss = pooled.failuresAfter(loss);
                List<Writer.Failure> directLoss = direct.failuresAfter(loss);
                print("node loss (pooled)", pooled.acksBetween(loss, after), pooledLoss);
                print("node loss (direct :5000)", direct.acksBetween(loss, after), directLoss);
                pooled.outageSince(loss)
                        .ifPresent(o -> System.out.printf(
                                "node loss (pooled): writes failed for %d ms (%d failures)%n",
                                o.duration().toMillis(), o.failures()));
                direct.outageSince(loss)
                        .ifPresent(o -> System.out.printf(
                                "node loss (direct :5000): writes failed for %d ms (%d failures)%n",
                                o.duration().toMillis(), o.failures()));

                assertThat(pooledSwitchoverFailures)
                        .as("transactions through the pool that failed across the planned switchover")
                        .isEmpty();
            }
        }
    }

    private static void print(String what, List<Writer.Ack> acks, List<Writer.Failure> failures) {
        List<Long> micros = new ArrayList<>();
        acks.forEach(a -> micros.add(a.latencyNanos() / 1_000));
        Collections.sort(micros);
        System.out.printf(
                Locale.ROOT,
                "%-26s %5d ok, %3d failed; latency p50 %s p99 %s max %s%s%n",
                what,
                acks.size(),
                failures.size(),
                ms(percentile(micros, 50)),
                ms(percentile(micros, 99)),
                ms(micros.isEmpty() ? -1 : micros.get(micros.size() - 1)),
                failures.isEmpty() ? "" : " (first: " + failures.get(0).error() + ")");
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String ms(long micros) {
        return micros < 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
