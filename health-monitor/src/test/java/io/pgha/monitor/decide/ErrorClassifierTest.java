package io.pgha.monitor.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.monitor.decide.ErrorClassifier.ProbeTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
    private static PgException pg(String sqlState, String message) {
        return new PgException(message, "FATAL", sqlState, null);
    }

    @Test
    void authenticationFailuresAreSqlState28() {
        assertThat(ErrorClassifier.classify(pg("28P01", "password authentication failed for user \"pgha_monitor\"")))
                .isEqualTo(ErrorClass.AUTHENTICATION);
        assertThat(ErrorClassifier.classify(pg("28000", "no pg_hba.conf entry")))
                .isEqualTo(ErrorClass.AUTHENTICATION);
    }

    @Test
    void serverStatesHaveTheirClasses() {
        assertThat(ErrorClassifier.classify(pg("53300", "too many clients")))
                .isEqualTo(ErrorClass.TOO_MANY_CONNECTIONS);
        assertThat(ErrorClassifier.classify(pg("57P03", "the database system is shutting down")))
                .isEqualTo(ErrorClass.CONNECTION_REFUSED);
        assertThat(ErrorClassifier.classify(pg("57014", "canceling statement due to statement timeout")))
                .isEqualTo(ErrorClass.TIMEOUT);
        assertThat(ErrorClassifier.classify(pg("42501", "permission denied for function")))
                .isEqualTo(ErrorClass.QUERY_FAILED);
    }

    @Test
    void networkFailures() {
        assertThat(ErrorClassifier.classify(new ConnectException("Connection refused")))
                .isEqualTo(ErrorClass.CONNECTION_REFUSED);
        assertThat(ErrorClassifier.classify(new NoRouteToHostException("no route")))
                .isEqualTo(ErrorClass.CONNECTION_REFUSED);
        assertThat(ErrorClassifier.classify(new ConnectTimeoutException("connection timed out")))
                .isEqualTo(ErrorClass.TIMEOUT);
        assertThat(ErrorClassifier.classify(new ProbeTimeoutException(800))).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(ErrorClassifier.classify(new VertxException("wrapped", new ConnectException("refused"))))
                .isEqualTo(ErrorClass.CONNECTION_REFUSED);
        assertThat(ErrorClassifier.classify(new IllegalStateException("something else")))
                .isEqualTo(ErrorClass.OTHER);
    }

    @Test
    void descriptionsAreShortAndNameTheType() {
        assertThat(ErrorClassifier.describe(new ConnectException("Connection refused")))
                .isEqualTo("ConnectException: Connection refused");
        assertThat(ErrorClassifier.describe(new IllegalStateException("x".repeat(1000))))
                .hasSizeLessThan(320);
    }
}
