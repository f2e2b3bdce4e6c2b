package io.pgha.renderer.pool.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.renderer.pool.metrics.PoolUsage.ServerConnections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminConsoleRowsTest {

    @Test
    void poolsCarryTheirClientsServersWaitAndTheSizeOfTheirDatabase() {
        PoolSnapshot snapshot = AdminConsoleRows.snapshot(AdminConsoleAnswers.saturated());

        assertThat(snapshot.pool("app", "app"))
                .hasValue(new PoolUsage(
                        "app", "app", 20, 7, new ServerConnections(18, 1, 1, 0, 0), 3.25, 20, 5, "transaction"));
        assertThat(snapshot.pool("app", "app").orElseThrow().servers().total()).isEqualTo(20);
        assertThat(snapshot.pool("pgbouncer", "pgbouncer").orElseThrow().poolSize())
                .isEqualTo(2);
        assertThat(snapshot.clientConnections()).isEqualTo(28);
        assertThat(snapshot.maxClientConnections()).isEqualTo(400);
    }

    @Test
    void statsArePerDatabaseWithTheWaitTimeInSeconds() {
        PoolSnapshot snapshot = AdminConsoleRows.snapshot(AdminConsoleAnswers.saturated());

        assertThat(snapshot.stats("app")).hasValue(new DatabaseStats("app", 1234, 2345, 1.5));
        assertThat(snapshot.stats("nope")).isEmpty();
    }

    @Test
    void aPoolOfADatabaseMissingFromShowDatabasesHasAnUnknownSize() {
        Map<String, List<Map<String, String>>> answers = new LinkedHashMap<>(AdminConsoleAnswers.saturated());
        answers.put("SHOW DATABASES", List.of());

        PoolUsage app = AdminConsoleRows.snapshot(answers).pool("app", "app").orElseThrow();

        assertThat(app.poolSize()).isEqualTo(-1);
        assertThat(app.reservePool()).isEqualTo(-1);
    }

    @Test
    void aMissingColumnIsNamedWithItsCommandAndRow() {
        Map<String, List<Map<String, String>>> answers = new LinkedHashMap<>(AdminConsoleAnswers.saturated());
        Map<String, String> row = new LinkedHashMap<>(answers.get("SHOW POOLS").get(1));
        row.remove("maxwait_us");
        answers.put("SHOW POOLS", List.of(answers.get("SHOW POOLS").get(0), row));

        assertThatThrownBy(() -> AdminConsoleRows.snapshot(answers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHOW POOLS row 2 has no column 'maxwait_us'")
                .hasMessageContaining("columns: database, user, cl_active");
    }

    @Test
    void aValueThatIsNotANumberIsRefusedWithControlCharactersEscaped() {
        Map<String, List<Map<String, String>>> answers = new LinkedHashMap<>(AdminConsoleAnswers.saturated());
        Map<String, String> row = new LinkedHashMap<>(answers.get("SHOW STATS").get(0));
        row.put("total_xact_count", "12\nx");
        answers.put("SHOW STATS", List.of(row));

        assertThatThrownBy(() -> AdminConsoleRows.snapshot(answers))
                .hasMessage("SHOW STATS row 1 column 'total_xact_count' is '12\\u000ax', not a whole number");
    }

    @Test
    void aMissingAnswerOrSettingIsNamed() {
        Map<String, List<Map<String, String>>> answers = new LinkedHashMap<>(AdminConsoleAnswers.saturated());
        answers.remove("SHOW STATS");
        assertThatThrownBy(() -> AdminConsoleRows.snapshot(answers)).hasMessageContaining("'SHOW STATS'");

        Map<String, List<Map<String, String>>> noSetting = new LinkedHashMap<>(AdminConsoleAnswers.saturated());
        noSetting.put("SHOW CONFIG", List.of());
        assertThatThrownBy(() -> AdminConsoleRows.snapshot(noSetting))
                .hasMessage("SHOW CONFIG has no row 'max_client_conn'");
    }
}
