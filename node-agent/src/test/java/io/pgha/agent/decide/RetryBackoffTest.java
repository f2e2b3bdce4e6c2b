package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
    private static final long T0 = Long.MAX_VALUE - Duration.ofMinutes(10).toNanos();

    @Test
    void authenticationAndConfigurationErrorsArePermanent() {
        for (String output : new String[] {
            "pg_basebackup: error: connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password"
                    + " authentication failed for user \"replicator\"",
            "FATAL:  no pg_hba.conf entry for replication connection from host \"10.0.0.9\"",
            "pg_basebackup: error: could not create directory \"/data\": Permission denied",
            "pg_rewind: error: source and target clusters are from different systems",
            "pg_basebackup: error: incompatible server version 16.1",
            "pg_rewind: error: target server needs to use either data checksums or \"wal_log_hints = on\"",
            "ERROR: something (SQLSTATE 28P01)"
        }) {
            assertThat(ToolErrors.classify(new IllegalStateException("pg tool failed (exit 1): " + output))
                            .permanent())
                    .as(output)
                    .isTrue();
        }
        SQLException auth = new SQLException("FATAL: role \"x\" does not exist", "28000");
        assertThat(ToolErrors.classify(new IllegalStateException("cannot create the slot", auth)))
                .isEqualTo(new ToolErrors.Classified(true, "authentication failed (SQLSTATE 28000)"));
    }

    @Test
    void connectionTroubleIsRetriableAndItsReasonShort() {
        ToolErrors.Classified c = ToolErrors.classify(new IllegalStateException(
                "pg_basebackup failed (exit 1): connection to server at \"127.0.0.1\", port 5433 failed:\n"
                        + "Connection refused " + "x".repeat(500)));
        assertThat(c.permanent()).isFalse();
        assertThat(c.reason()).doesNotContain("\n").hasSizeLessThanOrEqualTo(303);
        // an LSN that contains 28000 is not an SQLSTATE
        assertThat(ToolErrors.classify("waiting for 0/28000060").permanent()).isFalse();
    }

    @Test
    void retriableFailuresWaitOneSecondThenDoubleUpToAMinute() {
        ToolErrors.Classified refused = new ToolErrors.Classified(false, "refused");
        RetryBackoff b = RetryBackoff.after(null, "clone", refused, T0);
        assertThat(b.nextAttemptIn(T0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.allows("clone", T0 + Duration.ofMillis(999).toNanos())).isFalse();
        assertThat(b.allows("clone", T0 + Duration.ofSeconds(1).toNanos())).isTrue();
        assertThat(b.allows("rewind", T0)).as("another action is not held back").isTrue();
        long[] waits = new long[9];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = b.nextAttemptIn(T0).toSeconds();
            b = RetryBackoff.after(b, "clone", refused, T0);
        }
        assertThat(waits).containsExactly(1, 2, 4, 8, 16, 32, 60, 60, 60);
        assertThat(b.failures()).isEqualTo(10);
    }

    @Test
    void permanentFailuresStartAtTenSecondsAndAnotherActionStartsOver() {
        ToolErrors.Classified auth = new ToolErrors.Classified(true, "authentication failed");
        RetryBackoff b = RetryBackoff.after(null, "clone", auth, T0);
        assertThat(b.nextAttemptIn(T0)).isEqualTo(Duration.ofSeconds(10));
        b = RetryBackoff.after(b, "clone", auth, T0);
        b = RetryBackoff.after(b, "clone", auth, T0);
        assertThat(b.nextAttemptIn(T0)).isEqualTo(Duration.ofSeconds(40));
        b = RetryBackoff.after(b, "clone", auth, T0);
        assertThat(b.nextAttemptIn(T0)).isEqualTo(RetryBackoff.MAX);
        RetryBackoff other = RetryBackoff.after(b, "rewind", auth, T0);
        assertThat(other.failures()).isEqualTo(1);
        assertThat(other.nextAttemptIn(T0 + Duration.ofSeconds(11).toNanos())).isZero();
    }
}
