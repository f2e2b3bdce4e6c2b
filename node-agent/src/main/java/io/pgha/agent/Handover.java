package io.pgha.agent;

import io.pgha.agent.decide.MonotonicClock;
import io.pgha.agent.pg.PgState;
import io.pgha.agent.pg.PostgresControl;
import io.pgha.agent.pg.Upstream;
import io.pgha.core.Switchover;
import io.pgha.events.Lsn;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A planned handover from this primary to a candidate that streams from it: CHECKPOINT, fast shutdown
 * until the control file holds the shutdown checkpoint, wait until the candidate received it, release
 * the leader key, wait for the postmaster to exit, restart as the candidate's standby. The wait for the
 * candidate ends at {@code maxWait} or as soon as the lease is no longer live, whichever comes first; an
 * aborted handover restarts as primary only while the lease is live, else read-only. The leader key is
 * released outside the PostgreSQL lock (no etcd call under it).
 *
 * <p>The login to the candidate (TLS and SCRAM: 0.3–1 s on a loaded machine) comes first, before the
 * CHECKPOINT and the fast shutdown, while PostgreSQL still serves writes: the write gap starts at the
 * fast shutdown, so the login costs the clients nothing there. The polls reuse its connection. It ran
 * beside the CHECKPOINT before (issue 17): the CHECKPOINT took 50–150 ms, so the shutdown checkpoint
 * was written and then waited up to 0.64 s for the login, inside the gap ({@code FailoverBenchIT},
 * sync, 2026-12-04). A failed login is logged and the polls log in again.
 *
 * <p>The key goes before the postmaster has exited: after the shutdown checkpoint no WAL can be written,
 * so once the candidate has it nothing is left to lose; what the postmaster still does (its WAL senders'
 * last records, and with archiving on the archiver's copy of the segment the shutdown switched away
 * from, 0.3–1.5 s measured) no longer holds up the candidate's promotion.
 */
final class Handover {
    private static final Logger LOG = Logger.getLogger(Handover.class);
    /** How often the control file is read for the shutdown checkpoint (read in place, no fork; see ControlFile). */
    private static final Duration SHUTDOWN_POLL = Duration.ofMillis(10);

    enum Outcome {
        /** The candidate does not stream from this primary: nothing was done. */
        REFUSED,
        /** The leader key was released and PostgreSQL runs as the candidate's standby. */
        HANDED_OVER,
        /** The candidate did not confirm in time: PostgreSQL runs as primary again, under the same key. */
        ABORTED_AS_PRIMARY,
        /** Aborted without a live lease: PostgreSQL runs read-only; the fencing watchdog takes it from there. */
        ABORTED_READ_ONLY
    }

    /** What the handover changes in the agent and in etcd. */
    interface Agent {
        /** This member no longer acts as the primary (PostgreSQL is stopped or read-only); under the lock. */
        void steppedDown();

        /** This member acts as the primary again (refused, aborted or failed before stepping down); under the lock. */
        void resumed();

        /**
         * Deletes the leader key if it still names this member, recording in {@code /switchover} that
         * {@code candidate} received {@code shutdownCheckpoint} (an etcd call: never under the lock).
         */
        void releaseLeaderKey(String candidate, Lsn shutdownCheckpoint);
    }

    /**
     * The candidate this member is asked to hand over to, if {@code switchover} asks it now: this member is
     * the leader it names, the candidate is another member, it is due (not scheduled) and not handed over
     * already (a record with the shutdown checkpoint is the coordinator's to complete, never a new request).
     */
    static Optional<String> candidateFor(Switchover switchover, String me) {
        if (switchover.scheduled() || switchover.handedOver()) {
            return Optional.empty();
        }
        if (!me.equals(switchover.leader()) || switchover.member() == null || me.equals(switchover.member())) {
            return Optional.empty();
        }
        return Optional.of(switchover.member());
    }

    private final PgProcess process;
    private final Object pgLock;
    private final MonotonicClock clock;
    private final LeaseKeeper lease;
    private final Agent agent;
    private final Duration poll;

    Handover(PgProcess process, Object pgLock, MonotonicClock clock, LeaseKeeper lease, Agent agent, Duration poll) {
        this.process = process;
        this.pgLock = pgLock;
        this.clock = clock;
        this.lease = lease;
        this.agent = agent;
        this.poll = poll;
    }

    /**
     * @param target the candidate's address (empty: unknown, refused)
     * @param maxWait how long the candidate may take to confirm (3 x retry_timeout)
     * @param stopTimeout the fast-shutdown timeout before it is escalated (further bounded by the lease)
     */
    Outcome run(String candidate, Optional<Upstream> target, Duration maxWait, Duration stopTimeout) {
        PostgresControl pg = process.pg();
        Lsn shutdownCheckpoint;
        StepTimes steps = new StepTimes(clock);
        synchronized (pgLock) {
            try {
                if (target.isEmpty() || !streamsFromHere(pg.probe(), candidate)) {
                    LOG.errorf(
                            "refusing the handover to %s: it is not a member streaming from this primary", candidate);
                    agent.resumed();
                    return Outcome.REFUSED;
                }
                LOG.infof("planned handover to %s: log in to it, checkpoint, fast stop", candidate);
                boolean confirmed;
                try (PostgresControl.ReceivePoll position = pg.receivePoll(target.get())) {
                    logIn(position, candidate); // before the fast shutdown: outside the write gap
                    steps.done("login");
                    pg.checkpoint();
                    steps.done("checkpoint");
                    shutdownCheckpoint = shutDown(pg, boundedByLease(stopTimeout));
                    steps.done("shutdown checkpoint");
                    confirmed = received(position, candidate, shutdownCheckpoint, maxWait);
                    steps.done("candidate received it");
                }
                if (!confirmed) {
                    return abort(candidate, shutdownCheckpoint, stopTimeout);
                }
                agent.steppedDown();
            } catch (RuntimeException e) {
                agent.resumed(); // still the primary (its PostgreSQL may be down: the loop restarts it)
                throw e;
            }
        }
        agent.releaseLeaderKey(candidate, shutdownCheckpoint);
        steps.done("leader key released");
        LOG.infof(
                "%s received the shutdown checkpoint %s: leader key released, following it (%s)",
                candidate, shutdownCheckpoint, steps);
        synchronized (pgLock) {
            process.stop(stopTimeout, "primary"); // the exit: WAL senders and the archiver finish
            process.configure(true, target);
            process.start();
        }
        return Outcome.HANDED_OVER;
    }

    /**
     * Fast shutdown until the control file holds the shutdown checkpoint; returns it. When that does not
     * come within {@code timeout} (or the postmaster exits without it), the full stop (immediate after
     * the timeout, waiting for the exit) and then the latest checkpoint, as before.
     */
    private Lsn shutDown(PostgresControl pg, Duration timeout) {
        pg.requestFastShutdown();
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (clock.nanoTime() - deadline < 0 && pg.running()) {
            Optional<Lsn> written = pg.shutdownCheckpoint();
            if (written.isPresent()) {
                return written.get();
            }
            PgProcess.pause(SHUTDOWN_POLL);
        }
        // what is left of the timeout (none: immediate at once), then the exit
        process.stop(Duration.ofNanos(Math.max(0, deadline - clock.nanoTime())), "primary");
        return pg.latestCheckpoint();
    }

    private static boolean streamsFromHere(PgState state, String candidate) {
        return state.replication().stream()
                .anyMatch(r -> candidate.equals(r.applicationName()) && "streaming".equals(r.state()));
    }

    /** Logs in to the candidate for the polls; a failure is logged (the polls log in again). */
    private static void logIn(PostgresControl.ReceivePoll position, String candidate) {
        try {
            position.open();
        } catch (RuntimeException e) {
            LOG.warnf(
                    "could not log in to %s before the fast shutdown (the polls try again, inside the write gap):"
                            + " %s",
                    candidate, e.getMessage());
        }
    }

    /** Polls the candidate's receive position (over one kept connection) until it is past the checkpoint, the wait ends or the lease is not live. */
    private boolean received(PostgresControl.ReceivePoll position, String candidate, Lsn checkpoint, Duration maxWait) {
        long deadline = clock.nanoTime() + maxWait.toNanos();
        while (clock.nanoTime() - deadline < 0 && lease.live()) {
            try {
                if (position.received().map(l -> l.compareTo(checkpoint) > 0).orElse(false)) {
                    return true;
                }
            } catch (IllegalStateException e) {
                LOG.debugf("asking %s for its receive position: %s", candidate, e.getMessage());
            }
            PgProcess.pause(poll);
        }
        return false;
    }

    private Outcome abort(String candidate, Lsn checkpoint, Duration stopTimeout) {
        process.stop(boundedByLease(stopTimeout), "primary"); // the shutdown is under way: let it end
        if (lease.live()) {
            LOG.errorf(
                    "handover aborted: %s did not receive the shutdown checkpoint %s; restarting as primary",
                    candidate, checkpoint);
            agent.resumed();
            process.configure(false, Optional.empty());
            process.start();
            process.awaitAccepting(boundedByLease(Duration.ofSeconds(30)));
            return Outcome.ABORTED_AS_PRIMARY;
        }
        LOG.errorf(
                "handover to %s aborted and the lease is not live (fenced, or %d ms left): restarting"
                        + " read-only, never as a primary without a live lease",
                candidate, lease.remaining().toMillis());
        agent.steppedDown();
        process.configure(true, Optional.empty());
        process.start();
        return Outcome.ABORTED_READ_ONLY;
    }

    /** {@code timeout}, but no longer than the lease has left (at least 1 s for a fast shutdown to work). */
    private Duration boundedByLease(Duration timeout) {
        Duration left = lease.remaining();
        Duration floor = Duration.ofSeconds(1);
        Duration bound = left.compareTo(floor) < 0 ? floor : left;
        return timeout.compareTo(bound) < 0 ? timeout : bound;
    }
}
