package io.pgha.coordinator.decide;

import java.time.Instant;

/** The answer to a switchover or failover request, with Patroni's status codes. */
public sealed interface Verdict {
    /**
     * Refused: {@code status} is 400 (malformed), 412 (impossible now) or 422 (a time in the past).
     * {@code settling}: impossible only for a state that passes by itself within moments (the candidate's
     * PostgreSQL is starting, or its WAL receiver is reconnecting — right after a switchover the former
     * primary restarts as a standby and moves to the new timeline), so asking again shortly may succeed.
     */
    record Rejected(int status, String message, boolean settling) implements Verdict {
        public Rejected(int status, String message) {
            this(status, message, false);
        }
    }

    /** Accepted for later: answered 202. */
    record Scheduled(Instant at, String leader, String candidate) implements Verdict {}

    /** Accepted now; answered 200 once it is done. {@code candidate} null means "the best one". */
    record Immediate(String leader, String candidate) implements Verdict {}
}
