package io.pgha.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status page's frames: what the page renders, and the same text for the same keys (sent once). */
class StatusFrameTest {
    private static MemberStatus member(String role, String lsn) {
        return new MemberStatus(
                "postgres://127.0.0.1:5432/postgres",
                "http://127.0.0.1:8008/patroni",
                MemberStatus.Role.of(role),
                "running",
                2,
                Lsn.parseNullable(lsn),
                null,
                null,
                Map.of(),
                "",
                "0.1");
    }

    private static ClusterSnapshot snapshot(String leaderLsn, String history) {
        return new ClusterSnapshot(
                42,
                Optional.of(new LeaderKey("pg-0", 7, 40)),
                Map.of(
                        "pg-0", new MemberEntry("pg-0", member("primary", leaderLsn), 7),
                        "pg-1", new MemberEntry("pg-1", member("replica", "0/3000000"), 8)),
                Optional.of("{}"),
                Optional.of("123"),
                Optional.empty(),
                Optional.empty(),
                Optional.ofNullable(history),
                Optional.empty(),
                Map.of());
    }

    @Test
    void aFrameCarriesTheStatusTheHistoryAndTheLeadersWalPosition() {
        JsonNode frame = Json.read(
                StatusFrame.of(
                        "c",
                        snapshot("0/3000060", "[[1, 100, \"switchover from pg-1 to pg-0\", \"t\", \"pg-0\"]]"),
                        Optional.of("coordinator-0")),
                JsonNode.class,
                "frame");
        assertThat(frame.at("/status/leader").asText()).isEqualTo("pg-0");
        assertThat(frame.at("/status/coordinator").asText()).isEqualTo("coordinator-0");
        assertThat(frame.at("/status/members")).hasSize(2);
        assertThat(frame.at("/history/0/4").asText()).isEqualTo("pg-0");
        assertThat(frame.get("leader_wal").asLong()).isEqualTo(0x3000060L);
    }

    @Test
    void theSameKeysGiveTheSameTextAndAMovedLeaderPositionAnother() {
        String one = StatusFrame.of("c", snapshot("0/3000060", null), Optional.empty());
        assertThat(StatusFrame.of("c", snapshot("0/3000060", null), Optional.empty()))
                .isEqualTo(one);
        assertThat(StatusFrame.of("c", snapshot("0/3000100", null), Optional.empty()))
                .isNotEqualTo(one);
    }

    @Test
    void aHistoryKeyThatIsNotAnArrayGivesNoRowsAndTheStatusNamesIt() {
        JsonNode frame = Json.read(
                StatusFrame.of("c", snapshot("0/3000060", "{\"not\":\"rows\"}"), Optional.empty()),
                JsonNode.class,
                "frame");
        assertThat(frame.get("history")).isEmpty();
        assertThat(frame.at("/status/problems/0").asText()).contains("c/history");
    }

    @Test
    void aFrameCarriesTheLastBackupTheDrillAndTheAlertsMostSevereFirst() {
        java.time.Instant t0 = java.time.Instant.parse("2026-12-02T10:00:00Z");
        io.pgha.coordinator.facts.OpsFacts facts = io.pgha.coordinator.facts.OpsFacts.NONE
                .apply(new io.pgha.events.BackupEvent.BaseBackupCompleted(
                        "c",
                        "20261202T100000Z",
                        "pg-1",
                        1,
                        Lsn.parse("0/2000000"),
                        Lsn.parse("0/3000060"),
                        1048576,
                        t0,
                        t0.plusSeconds(4)))
                .apply(new io.pgha.events.BackupEvent.RestoreDrillCompleted(
                        "c", "d1", "20261202T100000Z", t0, 12.5, 0.5, 3, t0.plusSeconds(60)))
                .apply(new io.pgha.events.AlertEvent.AlertFired(
                        "c",
                        "ReplicaLagging",
                        "f1",
                        "pg-1",
                        io.pgha.events.AlertEvent.Severity.WARNING,
                        "lags",
                        Map.of(),
                        Map.of(),
                        t0,
                        t0))
                .apply(new io.pgha.events.AlertEvent.AlertFired(
                        "c",
                        "PrimaryDown",
                        "f2",
                        null,
                        io.pgha.events.AlertEvent.Severity.CRITICAL,
                        "down",
                        Map.of(),
                        Map.of(),
                        t0.plusSeconds(30),
                        t0));
        JsonNode frame = Json.read(
                StatusFrame.of("c", snapshot("0/3000060", null), Optional.empty(), facts), JsonNode.class, "frame");
        assertThat(frame.at("/backup/last_backup/id").asText()).isEqualTo("20261202T100000Z");
        assertThat(frame.at("/backup/last_backup/completed_at").asText()).isEqualTo("2026-12-02T10:00:04Z");
        assertThat(frame.at("/backup/last_drill/ok").asBoolean()).isTrue();
        assertThat(frame.at("/backup/last_drill/rto_seconds").asDouble()).isEqualTo(12.5);
        assertThat(frame.at("/backup/last_failure").isNull()).isTrue();
        assertThat(frame.at("/alerts/0/alert").asText()).isEqualTo("PrimaryDown");
        assertThat(frame.at("/alerts/1/alert").asText()).isEqualTo("ReplicaLagging");

        JsonNode none =
                Json.read(StatusFrame.of("c", snapshot("0/3000060", null), Optional.empty()), JsonNode.class, "f");
        assertThat(none.at("/backup/last_backup").isNull()).isTrue();
        assertThat(none.get("alerts")).isEmpty();
        assertThat(StatusFrame.of("c", snapshot("0/3000060", null), Optional.empty(), facts))
                .isEqualTo(StatusFrame.of("c", snapshot("0/3000060", null), Optional.empty(), facts));
    }
}
