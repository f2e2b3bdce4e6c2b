package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.agent.decide.Fencing;
import io.pgha.agent.decide.MonotonicClock;
import io.pgha.local.Wait;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaseKeeperTest {
    /** A fencing deadline (ttl - margin) of 3 s: the renewal thread must run within it on a loaded machine too. */
    private static final Duration TTL = Duration.ofSeconds(4);

    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final Duration RENEW_EVERY = Duration.ofMillis(50);

    private final FakeLeaseStore store = new FakeLeaseStore();
    private final Object pgLock = new Object();
    private final List<String> demotions = new CopyOnWriteArrayList<>();
    private final List<Long> replaced = new CopyOnWriteArrayList<>();
    private volatile boolean primary = true;
    private volatile boolean paused;
    /** What the next failsafe round answers (empty: not confirmed); null: failsafe mode off. */
    private volatile java.util.function.LongFunction<java.util.Optional<Long>> failsafe;

    private LeaseKeeper keeper;

    private final LeaseKeeper.Holder holder = new LeaseKeeper.Holder() {
        @Override
        public boolean actingPrimary() {
            return primary;
        }

        @Override
        public boolean paused() {
            return paused;
        }

        @Override
        public void demote(String reason) {
            synchronized (pgLock) {
                demotions.add(reason);
                primary = false;
            }
        }

        @Override
        public void leaseReplaced(long lease) {
            replaced.add(lease);
        }

        @Override
        public java.util.Optional<Long> failsafeRound() {
            return failsafe == null ? java.util.Optional.empty() : failsafe.apply(0);
        }
    };

    private LeaseKeeper keeper(MonotonicClock clock) {
        keeper = new LeaseKeeper(store, clock, new Fencing(TTL, MARGIN), () -> TTL, () -> RENEW_EVERY, holder);
        keeper.grant();
        return keeper;
    }

    @AfterEach
    void stop() {
        if (keeper != null) {
            keeper.stop();
        }
    }

    @Test
    void theLeaseIsRenewedAndNobodyIsFencedWhileTheLoopIsBlockedPastTheFencingDeadline() {
        LeaseKeeper k = keeper(MonotonicClock.SYSTEM);
        k.start();
        long blockedFrom = System.nanoTime();
        Duration pastDeadline = TTL.minus(MARGIN).plusSeconds(1);
        synchronized (pgLock) { // the loop holds the PostgreSQL lock through a long handover
            Wait.until(
                    Duration.ofSeconds(10),
                    "the loop blocked past the fencing deadline",
                    () -> System.nanoTime() - blockedFrom > pastDeadline.toNanos());
            assertThat(store.renewals.get())
                    .as("renewals while the loop was blocked for %d ms", pastDeadline.toMillis())
                    .isGreaterThanOrEqualTo(5);
            assertThat(k.secondsSinceRenewal()).isLessThan(TTL.minus(MARGIN).toMillis() / 1000.0);
        }
        assertThat(k.fenced()).isFalse();
        assertThat(demotions).isEmpty();
    }

    @Test
    void aPrimaryIsFencedOnceAtTtlMinusMarginWithoutRenewal() {
        AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());
        LeaseKeeper k = keeper(now::get);
        store.unreachable = true;
        k.renewOnce();
        now.addAndGet(TTL.minus(MARGIN).toNanos() - 1);
        k.checkFencing();
        assertThat(demotions).isEmpty();
        assertThat(k.remaining()).isEqualTo(Duration.ofNanos(1));
        now.addAndGet(1);
        k.checkFencing();
        k.checkFencing();
        assertThat(demotions).containsExactly("self-fencing");
        assertThat(k.fenced()).isTrue();
        assertThat(k.remaining()).isZero();

        store.unreachable = false;
        k.renewOnce();
        assertThat(k.fenced()).as("a renewal that succeeds ends the fencing").isFalse();
    }

    @Test
    void aStandbyIsNeverFenced() {
        AtomicLong now = new AtomicLong();
        LeaseKeeper k = keeper(now::get);
        primary = false;
        now.addAndGet(TTL.toNanos() * 5);
        k.checkFencing();
        assertThat(demotions).isEmpty();
    }

    @Test
    void anExpiredLeaseFencesAPrimaryThenANewLeaseIsTakenAndTheMemberRegistered() {
        AtomicLong now = new AtomicLong();
        LeaseKeeper k = keeper(now::get);
        long first = k.lease();
        store.leaseLost = true;
        k.renewOnce();
        assertThat(demotions).containsExactly("self-fencing");
        assertThat(k.lease()).isNotEqualTo(first);
        assertThat(replaced).containsExactly(k.lease());
        assertThat(k.fenced()).isFalse();
    }

    @Test
    void pausedAPrimaryIsNeitherFencedAtTheDeadlineNorWhenItsLeaseExpired() {
        AtomicLong now = new AtomicLong();
        LeaseKeeper k = keeper(now::get);
        paused = true;
        store.unreachable = true;
        now.addAndGet(TTL.toNanos() * 5);
        k.checkFencing();
        assertThat(demotions).isEmpty();
        store.unreachable = false;
        store.leaseLost = true;
        k.renewOnce();
        assertThat(demotions).isEmpty();
        assertThat(replaced)
                .as("the member key is registered again under a new lease")
                .hasSize(1);
    }

    @Test
    void aConfirmedFailsafeRoundCountsAsARenewalSentAtItsStartAndARefusedOneMovesNothing() {
        AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(30).toNanos());
        LeaseKeeper k = keeper(now::get);
        store.unreachable = true;
        long roundStart = now.get() + TTL.minus(MARGIN).toNanos() / 2;
        failsafe = ignored -> java.util.Optional.of(roundStart);
        now.set(roundStart);
        k.renewOnce();
        assertThat(k.onFailsafe()).isTrue();
        assertThat(k.remaining()).isEqualTo(TTL.minus(MARGIN));
        // past the first deadline, before the round's: still primary
        now.addAndGet(TTL.minus(MARGIN).toNanos() - 1);
        k.checkFencing();
        assertThat(demotions).isEmpty();
        // a member does not confirm: nothing moves, it demotes at round start + ttl - margin
        failsafe = ignored -> java.util.Optional.empty();
        k.renewOnce();
        k.checkFencing();
        assertThat(demotions).isEmpty();
        now.addAndGet(1);
        k.checkFencing();
        assertThat(demotions).containsExactly("self-fencing");
        // fenced: a confirmed round no longer revives it; only etcd does
        failsafe = ignored -> java.util.Optional.of(now.get());
        primary = true;
        k.renewOnce();
        assertThat(k.fenced()).isTrue();
        assertThat(k.onFailsafe()).isFalse();
        store.unreachable = false;
        k.renewOnce();
        assertThat(k.fenced()).isFalse();
        assertThat(k.onFailsafe()).isFalse();
    }

    @Test
    void aRenewalThatSucceedsEndsFailsafeAndALostLeaseIsNeverSavedByARound() {
        AtomicLong now = new AtomicLong();
        LeaseKeeper k = keeper(now::get);
        failsafe = ignored -> java.util.Optional.of(now.get());
        store.unreachable = true;
        now.addAndGet(1_000_000);
        k.renewOnce();
        assertThat(k.onFailsafe()).isTrue();
        store.unreachable = false;
        k.renewOnce();
        assertThat(k.onFailsafe()).isFalse();
        store.leaseLost = true;
        k.renewOnce();
        assertThat(demotions)
                .as("a lost lease demotes as without failsafe mode")
                .containsExactly("self-fencing");
    }
}
