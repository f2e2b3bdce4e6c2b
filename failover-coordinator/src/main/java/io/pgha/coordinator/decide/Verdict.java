package io.pgha.coordinator.decide;

import java.time.Instant;

/** The answer to a switchover or failover request, with Patroni's status codes. */
public sealed interface Verdict {
    /** Refused: {@code status} is 400 (malformed), 412 (impossible now) or 422 (a time in the past). */
    record Rejected(int status, String message) implements Verdict {}

    /** Accepted for later: answered 202. */
    record Scheduled(Instant at, String leader, String candidate) implements Verdict {}

    /** Accepted now; answered 200 once it is done. {@code candidate} null means "the best one". */
    record Immediate(String leader, String candidate) implements Verdict {}
}
