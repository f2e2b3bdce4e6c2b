package io.pgha.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ElectionLeaseTest {
    /** Grants leases 1, 2, 3 ...; renews every one but {@code gone}, which etcd no longer has. */
    static final class FakeLeases implements LeaseStore {
        final AtomicLong next = new AtomicLong();
        final List<Long> revoked = new CopyOnWriteArrayList<>();
        volatile long gone;

        @Override
        public long grantLease(Duration ttl) {
            return next.incrementAndGet();
        }

        @Override
        public long keepAliveOnce(long lease) {
            return lease == gone ? 0 : 10;
        }

        @Override
        public void revokeLease(long lease) {
            revoked.add(lease);
        }
    }

    @Test
    void aGrantedLeaseIsValidAndClosingRevokesIt() throws Exception {
        FakeLeases store = new FakeLeases();
        ElectionLease lease = new ElectionLease(store, Duration.ofSeconds(10));
        assertThat(lease.lease()).isZero();
        lease.start();
        assertThat(until(() -> lease.lease() == 1)).isTrue();
        lease.close();
        assertThat(lease.lease()).isZero();
        assertThat(store.revoked).containsExactly(1L);
    }

    @Test
    void aLeaseEtcdNoLongerHasIsReplacedByANewOne() throws Exception {
        FakeLeases store = new FakeLeases();
        try (ElectionLease lease = new ElectionLease(store, Duration.ofSeconds(2))) {
            lease.start();
            assertThat(until(() -> lease.lease() == 1)).isTrue();
            store.gone = 1;
            assertThat(until(() -> lease.lease() == 2)).isTrue();
        }
        assertThat(store.revoked).containsExactly(2L);
    }

    @Test
    void aTtlOfOneSecondLeavesNoMarginSoTheLeaseIsNeverValid() throws Exception {
        FakeLeases store = new FakeLeases();
        try (ElectionLease lease = new ElectionLease(store, Duration.ofSeconds(1))) {
            lease.start();
            assertThat(until(() -> store.next.get() >= 1)).isTrue();
            assertThat(lease.lease()).isZero();
        }
    }

    @Test
    void theNextRenewalIsAThirdOfTheTtlAfterTheLastWasSentNotAfterItReturned() {
        Duration ttl = Duration.ofSeconds(3);
        long sent = TimeUnit.SECONDS.toNanos(100);
        assertThat(ElectionLease.untilNextRenewal(ttl, sent, sent + TimeUnit.MILLISECONDS.toNanos(20)))
                .as("a quick renewal")
                .isEqualTo(Duration.ofMillis(980));
        assertThat(ElectionLease.untilNextRenewal(ttl, sent, sent + TimeUnit.MILLISECONDS.toNanos(700)))
                .as("a renewal that took 0.7 s")
                .isEqualTo(Duration.ofMillis(300));
        assertThat(ElectionLease.untilNextRenewal(ttl, sent, sent + TimeUnit.MILLISECONDS.toNanos(1500)))
                .as("a grant slower than a third of the TTL: renew almost at once")
                .isEqualTo(Duration.ofMillis(100));
    }

    /** Whether {@code condition} holds within 10 s (checked every 10 ms). */
    private static boolean until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
