package io.pgha.monitor.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.NodeHealthEvent.ErrorClass;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Instant T = Instant.parse("2025-05-01T10:00:00Z");
    private static final Duration INITIAL = Duration.ofSeconds(5);
    private static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void anAuthenticationFailureWaitsInitialThenDoublesUpToMax() {
        Backoff b = Backoff.NONE.after(ErrorClass.AUTHENTICATION, T, INITIAL, MAX);
        assertThat(b.nextAttempt()).isEqualTo(T.plusSeconds(5));
        assertThat(b.due(T.plusSeconds(4))).isFalse();
        assertThat(b.due(T.plusSeconds(5))).isTrue();

        b = b.after(ErrorClass.AUTHENTICATION, T, INITIAL, MAX);
        assertThat(b.nextAttempt()).isEqualTo(T.plusSeconds(10));
        b = b.after(ErrorClass.AUTHENTICATION, T, INITIAL, MAX);
        assertThat(b.nextAttempt()).isEqualTo(T.plusSeconds(20));
        b = b.after(ErrorClass.AUTHENTICATION, T, INITIAL, MAX);
        assertThat(b.nextAttempt()).isEqualTo(T.plusSeconds(30));
        for (int i = 0; i < 100; i++) {
            b = b.after(ErrorClass.AUTHENTICATION, T, INITIAL, MAX);
        }
        assertThat(b.nextAttempt()).isEqualTo(T.plusSeconds(30));
        assertThat(b.failures()).isEqualTo(104);
    }

    @Test
    void tooManyConnectionsBacksOffToo() {
        assertThat(Backoff.NONE
                        .after(ErrorClass.TOO_MANY_CONNECTIONS, T, INITIAL, MAX)
                        .active())
                .isTrue();
    }

    @Test
    void refusedTimeoutAndSuccessProbeOnTheNextRound() {
        Backoff backingOff = Backoff.NONE.after(ErrorClass.AUTHENTICATION, T, INITIAL, MAX);
        for (ErrorClass c : new ErrorClass[] {ErrorClass.CONNECTION_REFUSED, ErrorClass.TIMEOUT, ErrorClass.OTHER}) {
            assertThat(backingOff.after(c, T, INITIAL, MAX)).isEqualTo(Backoff.NONE);
        }
        assertThat(backingOff.after(null, T, INITIAL, MAX)).isEqualTo(Backoff.NONE);
        assertThat(Backoff.NONE.due(T)).isTrue();
    }
}
