package io.pgha.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures on a kept connection make {@link PgSql} retry once on a new one. */
class PgSqlBrokenTest {
    @Test
    void aLostConnectionOrAServerThatEndedTheSessionIsBroken() {
        assertThat(PgSql.broken(new SQLException("An I/O error occurred while sending to the backend.", "08006")))
                .isTrue();
        assertThat(PgSql.broken(new SQLException("terminating connection due to administrator command", "57P01")))
                .isTrue();
        assertThat(PgSql.broken(new SQLException("terminating connection because of crash of another", "57P02")))
                .isTrue();
    }

    @Test
    void aStatementsOwnErrorOrASlowServerIsNotRetried() {
        assertThat(PgSql.broken(new SQLException("relation does not exist", "42P01")))
                .isFalse();
        assertThat(PgSql.broken(new SQLException("too many clients", PgSql.TOO_MANY_CONNECTIONS)))
                .isFalse();
        assertThat(PgSql.broken(new SQLException("no state"))).isFalse();
        assertThat(PgSql.broken(new SQLException(
                        "An I/O error occurred while sending to the backend.",
                        "08006",
                        new SocketTimeoutException("Read timed out"))))
                .isFalse();
    }
}
