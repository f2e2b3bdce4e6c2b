package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.EtcdLayout;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.core.store.StoreException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A store that could reach no etcd member for half a minute reaches them again as soon as they are back:
 * the chaos run's false failover (issue 17) came from a client whose connections were still waiting out
 * gRPC's exponential reconnect back-off (up to ~27 s after a 29 s isolation) while etcd was serving.
 */
class EtcdReconnectIT {
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(3);
    /** How long no member answers: long enough for gRPC's back-off to grow beyond 15 s. */
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void aStoreThatReachedNoMemberForHalfAMinuteReadsWithinTwoCallsOfTheirReturn() {
        EtcdCluster etcd = infra.etcd(3);
        try (EtcdClusterStore store =
                EtcdClusterStore.connect(etcd.endpoints(), EtcdLayout.of("reconnect"), OPERATION_TIMEOUT)) {
            store.read();
            etcd.members().forEach(EtcdCluster.Member::stop);
            long down = System.nanoTime();
            int failed = 0;
            while (System.nanoTime() - down < OUTAGE.toNanos()) {
                assertThat(readFails(store))
                        .as("a read while every member is stopped")
                        .isTrue();
                failed++;
            }
            etcd.member(0).start();
            etcd.member(1).start();
            etcd.member(0).awaitHealthy(Duration.ofSeconds(30));
            etcd.member(1).awaitHealthy(Duration.ofSeconds(30));
            long back = System.nanoTime();
            Wait.until(
                    OPERATION_TIMEOUT.multipliedBy(3),
                    "a read succeeds after two of three members are back (" + failed + " reads failed while down)",
                    () -> !readFails(store));
            System.out.printf(
                    "first successful read %d ms after the members were healthy again%n",
                    (System.nanoTime() - back) / 1_000_000);
        }
    }

    private static boolean readFails(EtcdClusterStore store) {
        try {
            store.read();
            return false;
        } catch (StoreException e) {
            return true;
        }
    }
}
