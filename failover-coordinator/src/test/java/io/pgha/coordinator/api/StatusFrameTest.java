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
}
