package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PgBouncerAdminTest {
    @Test
    void readsPsqlsUnalignedOutputAsRows() {
        String output =
                "database\u001fuser\u001fcl_waiting\npostgres\u001fapp\u001f3\npgbouncer\u001fpgbouncer\u001f\n";
        assertThat(PgBouncerAdmin.rows(output)).hasSize(2).first().satisfies(row -> assertThat(row)
                .containsEntry("database", "postgres")
                .containsEntry("cl_waiting", "3"));
        assertThat(PgBouncerAdmin.rows(output).get(1)).containsEntry("cl_waiting", "");
        assertThat(PgBouncerAdmin.rows("")).isEmpty();
    }

    @Test
    void neverShowsThePassword() {
        assertThat(new PgBouncerAdmin("psql", "127.0.0.1", 6432, "admin", "s3cret", Duration.ofSeconds(1)).toString())
                .doesNotContain("s3cret");
    }
}
