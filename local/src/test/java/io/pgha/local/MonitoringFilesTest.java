package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.local.MonitoringFiles.PanelQuery;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitoringFilesTest {
    private static final Map<String, String> VARIABLES = Map.of("cluster", "pgha", "__rate_interval", "1m");

    @Test
    void everyPanelOfTheShippedDashboardHasQueriesWithItsVariablesReplaced() {
        List<PanelQuery> queries = MonitoringFiles.shipped().dashboardQueries(VARIABLES);

        assertThat(queries)
                .extracting(PanelQuery::panel)
                .contains(
                        "Leader",
                        "Members and roles",
                        "Replication lag (bytes) per replica",
                        "Write rate (WAL bytes written per second)",
                        "Connections per member",
                        "HAProxy sessions",
                        "Last base backup",
                        "Last restore drill");
        assertThat(queries).allSatisfy(q -> assertThat(q.expr()).doesNotContain("$"));
        assertThat(queries)
                .filteredOn(q -> q.panel().equals("HAProxy sessions"))
                .first()
                .extracting(PanelQuery::expr)
                .isEqualTo("sum by (proxy) (haproxy_backend_current_sessions{proxy=~\"pgha_.*\"})");
    }

    @Test
    void aVariableWithoutValueIsRefusedNamingThePanel() {
        assertThatThrownBy(() -> MonitoringFiles.substitute("Leader", "up{cluster=\"$cluster\"}", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("panel 'Leader'")
                .hasMessageContaining("$cluster");
    }

    @Test
    void theShippedFilesAreWhereTheToolsLookForThem() {
        MonitoringFiles files = MonitoringFiles.shipped();

        assertThat(files.prometheusConfig()).isRegularFile();
        assertThat(files.alertmanagerConfig()).isRegularFile();
        assertThat(files.dashboard()).isRegularFile();
        assertThat(files.ruleFiles())
                .extracting(p -> p.getFileName().toString())
                .contains("pgha.rules.yml");
        assertThat(files.ruleTests()).isNotEmpty();
    }
}
