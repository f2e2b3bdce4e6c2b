package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.agent.decide.Fencing;
import io.pgha.agent.pg.Upstream;
import io.pgha.core.Switchover;
import io.pgha.events.Lsn;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HandoverTest {
    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final Duration MAX_WAIT = Duration.ofSeconds(9);
    private static final Optional<Upstream> CANDIDATE = Optional.of(new Upstream("pg-2", "127.0.0.1", 5433));

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Object pgLock = new Object();
    private final FakePostgres pg = new FakePostgres();
    private final FakeLeaseStore store = new FakeLeaseStore();
    private final List<String> agentCalls = new CopyOnWriteArrayList<>();
    private final LeaseKeeper lease = new LeaseKeeper(
            store,
            now::get,
            new Fencing(TTL, MARGIN),
            () -> TTL,
            () -> Duration.ofSeconds(1),
            new LeaseKeeper.Holder() {
                @Override
                public boolean actingPrimary() {
                    return true;
                }

                @Override
                public boolean paused() {
                    return false;
                }

                @Override
                public void demote(String reason) {
                    agentCalls.add("fenced");
                }

                @Override
                public void leaseReplaced(long id) {}
            });

    private final Handover handover = new Handover(
            new PgProcess(pg, now::get, role -> {}, role -> {}),
            pgLock,
            now::get,
            lease,
            new Handover.Agent() {
                @Override
                public void steppedDown() {
                    agentCalls.add("stepped down");
                }

                @Override
                public void resumed() {
                    agentCalls.add("resumed");
                }

                @Override
                public void releaseLeaderKey(String candidate, Lsn shutdownCheckpoint) {
                    agentCalls.add(Thread.holdsLock(pgLock) ? "released UNDER THE LOCK" : "released");
                    agentCalls.add(candidate + " has " + shutdownCheckpoint);
                    agentCalls.add(pg.running() ? "postmaster still exiting" : "postmaster gone");
                }
            },
            Duration.ZERO);

    HandoverTest() {
        lease.grant();
        pg.standbys = List.of("pg-2");
    }

    /** Each poll of the candidate takes {@code step} of the (fake) clock and answers {@code lsn}. */
    private void candidateAnswers(Duration step, Optional<Lsn> lsn) {
        pg.candidateReceived = () -> {
            now.addAndGet(step.toNanos());
            lease.checkFencing();
            return lsn;
        };
    }

    @Test
    void aConfirmedHandoverReleasesTheKeyOutsideTheLockAndFollowsTheCandidate() {
        candidateAnswers(Duration.ofMillis(100), Optional.of(Lsn.parse("0/5000100")));
        assertThat(handover.run("pg-2", CANDIDATE, MAX_WAIT, Duration.ofSeconds(60)))
                .isEqualTo(Handover.Outcome.HANDED_OVER);
        assertThat(agentCalls)
                .as("the key goes once the candidate has the shutdown checkpoint, before the postmaster exits")
                .containsExactly("stepped down", "released", "pg-2 has 0/5000028", "postmaster still exiting");
        assertThat(pg.calls)
                .containsExactly("checkpoint", "fast shutdown", "stop", "configure standby of pg-2", "start");
    }

    @Test
    void theCandidateIsPolledOverOneKeptConnectionClosedBeforeTheKeyIsReleased() {
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        pg.candidateReceived = () -> {
            now.addAndGet(Duration.ofMillis(10).toNanos());
            return polls.incrementAndGet() < 3 ? Optional.empty() : Optional.of(Lsn.parse("0/5000100"));
        };
        handover.run("pg-2", CANDIDATE, MAX_WAIT, Duration.ofSeconds(60));
        assertThat(pg.receivePollCalls).containsExactly("open pg-2", "login", "poll", "poll", "poll", "close");
    }

    @Test
    void theCandidateIsLoggedInToBeforeTheCheckpointAndTheFastShutdown() {
        pg.onLogin = () -> pg.calls.add("login to pg-2"); // the write gap starts at the fast shutdown
        candidateAnswers(Duration.ofMillis(100), Optional.of(Lsn.parse("0/5000100")));

        assertThat(handover.run("pg-2", CANDIDATE, MAX_WAIT, Duration.ofSeconds(60)))
                .isEqualTo(Handover.Outcome.HANDED_OVER);
        assertThat(pg.calls).startsWith("login to pg-2", "checkpoint", "fast shutdown");
        assertThat(pg.receivePollCalls).containsExactly("open pg-2", "login", "poll", "close");
    }

    @Test
    void aFailedLoginStillHandsOverWhenThePollsLogIn() {
        pg.onLogin = () -> {
            throw new IllegalStateException("connection refused");
        };
        candidateAnswers(Duration.ofMillis(100), Optional.of(Lsn.parse("0/5000100")));

        assertThat(handover.run("pg-2", CANDIDATE, MAX_WAIT, Duration.ofSeconds(60)))
                .isEqualTo(Handover.Outcome.HANDED_OVER);
        assertThat(pg.receivePollCalls).containsExactly("open pg-2", "poll", "close");
    }

    @Test
    void aCheckpointThatFailsStillClosesTheConnection() {
        pg.onCheckpoint = () -> {
            throw new IllegalStateException("CHECKPOINT failed");
        };

        assertThatThrownBy(() -> handover.run("pg-2", CANDIDATE, MAX_WAIT, Duration.ofSeconds(60)))
                .hasMessage("CHECKPOINT failed");
        assertThat(pg.receivePollCalls).containsExactly("open pg-2", "login", "close");
        assertThat(agentCalls).containsExactly("resumed");
        assertThat(pg.calls).doesNotContain("fast shutdown");
    }

    @Test
    void aCandidateThatNeverConfirmsStillGetsItsConnectionClosed() {
        candidateAnswers(Duration.ofMillis(500), Optional.empty());
        handover.run("pg-2", CANDIDATE, Duration.ofSeconds(3), Duration.ofSeconds(60));
        assertThat(pg.receivePollCalls).startsWith("open pg-2", "login", "poll").endsWith("close");
        assertThat(pg.receivePollCalls.stream().filter(c -> c.startsWith("open")))
                .hasSize(1);
    }

    @Test
    void withoutAShutdownCheckpointInTheControlFileTheStopIsWaitedForAsBefore() {
        pg.shutdownWritten = () -> {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            return Optional.empty();
        };
        candidateAnswers(Duration.ofMillis(100), Optional.of(Lsn.parse("0/5000100")));
        assertThat(handover.run("pg-2", CANDIDATE, MAX_WAIT, Duration.ofSeconds(3)))
                .isEqualTo(Handover.Outcome.HANDED_OVER);
        assertThat(agentCalls).containsExactly("stepped down", "released", "pg-2 has 0/5000028", "postmaster gone");
        assertThat(pg.calls)
                .containsExactly("checkpoint", "fast shutdown", "stop", "stop", "configure standby of pg-2", "start");
    }

    @Test
    void onlyTheNamedLeaderIsAskedToHandOverAndOnlyWhileTheRequestIsDueAndNotHandedOver() {
        assertThat(Handover.candidateFor(new Switchover("pg-1", "pg-2"), "pg-1"))
                .contains("pg-2");
        assertThat(Handover.candidateFor(new Switchover("pg-1", "pg-2"), "pg-2"))
                .isEmpty();
        assertThat(Handover.candidateFor(new Switchover("pg-1", "pg-1"), "pg-1"))
                .isEmpty();
        assertThat(Handover.candidateFor(new Switchover("pg-1", null), "pg-1")).isEmpty();
        assertThat(Handover.candidateFor(new Switchover("pg-1", "pg-2", "2026-12-04T10:00:00Z"), "pg-1"))
                .as("scheduled: the coordinator rewrites it once due")
                .isEmpty();
        assertThat(Handover.candidateFor(new Switchover("pg-1", "pg-2").handedOverAt("0/3000028"), "pg-1"))
                .as("handed over already: the coordinator completes it, the old leader must not start again")
                .isEmpty();
    }

    @Test
    void aCandidateThatIsNotStreamingIsRefusedAndNothingIsDone() {
        pg.standbys = List.of("pg-3");
        assertThat(handover.run("pg-2", CANDIDATE, MAX_WAIT, Duration.ofSeconds(60)))
                .isEqualTo(Handover.Outcome.REFUSED);
        assertThat(pg.calls).isEmpty();
        assertThat(agentCalls).containsExactly("resumed");
    }

    @Test
    void anAbortedHandoverWithALiveLeaseRestartsAsPrimaryUnderTheSameKey() {
        candidateAnswers(Duration.ofMillis(500), Optional.empty());
        assertThat(handover.run("pg-2", CANDIDATE, Duration.ofSeconds(3), Duration.ofSeconds(60)))
                .isEqualTo(Handover.Outcome.ABORTED_AS_PRIMARY);
        assertThat(pg.calls).containsExactly("checkpoint", "fast shutdown", "stop", "configure primary", "start");
        assertThat(agentCalls).containsExactly("resumed");
    }

    @Test
    void theWaitEndsWhenTheLeaseRunsOutAndNoPrimaryIsStartedWithoutALiveLease() {
        store.unreachable = true; // no renewal succeeds from now on
        candidateAnswers(Duration.ofSeconds(1), Optional.empty());
        long started = now.get();
        assertThat(handover.run("pg-2", CANDIDATE, MAX_WAIT, Duration.ofSeconds(60)))
                .isEqualTo(Handover.Outcome.ABORTED_READ_ONLY);
        assertThat(Duration.ofNanos(now.get() - started))
                .as("the wait is bounded by the lease (deadline ttl - margin = 7 s), not by 3 x retry_timeout")
                .isLessThanOrEqualTo(TTL.minus(MARGIN));
        assertThat(pg.calls)
                .containsExactly("checkpoint", "fast shutdown", "stop", "configure standby of none", "start");
        assertThat(pg.calls).doesNotContain("configure primary");
        assertThat(agentCalls).contains("stepped down").doesNotContain("released");
    }
}
