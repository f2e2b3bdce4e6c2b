package io.pgha.coordinator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.store.RouterReport;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RoutingCheckTest {
    private static Optional<RouterReport> report(long epoch, String leader) {
        return Optional.of(new RouterReport(epoch, leader, "2026-12-01T00:00:00Z"));
    }

    @Test
    void noRouterRegisteredMeansNothingToWaitFor() {
        assertThat(RoutingCheck.unconfirmed(Map.of(), "pg-1", 40)).isEmpty();
    }

    @Test
    void aRouterStillOnTheOldEpochOrLeaderIsNamedWithWhatItReports() {
        Map<String, Optional<RouterReport>> reports = new TreeMap<>();
        reports.put("r1", report(40, "pg-1"));
        reports.put("r2", report(39, "pg-0"));
        reports.put("r3", report(40, null));
        assertThat(RoutingCheck.unconfirmed(reports, "pg-1", 40))
                .containsExactly("r2 (epoch 39, leader pg-0)", "r3 (epoch 40, leader null)");
    }

    @Test
    void aLaterEpochWithTheSameLeaderConfirms() {
        assertThat(RoutingCheck.unconfirmed(Map.of("r1", report(45, "pg-1")), "pg-1", 40))
                .isEmpty();
    }

    @Test
    void anUnreadableReportNeverConfirms() {
        assertThat(RoutingCheck.unconfirmed(Map.of("r1", Optional.empty()), "pg-1", 40))
                .containsExactly("r1 (its report cannot be read)");
    }
}
