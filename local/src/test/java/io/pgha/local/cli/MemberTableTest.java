package io.pgha.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.MemberStatus;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemberTableTest {
    private static final Optional<LeaderKey> PG0_LEADS = Optional.of(new LeaderKey("pg-0", 7, 42));

    @Test
    void leaderReplicasStateAndLagFromTheLeadersWritePosition() {
        Map<String, MemberEntry> members = members(
                primary("pg-0", 54320, "0/3000100"),
                replica("pg-1", 54321, "0/3000100", "0/3000000"),
                replica("pg-2", 54322, null, "0/2FFFF00"));

        List<MemberTable.Row> rows =
                MemberTable.rows(PG0_LEADS, members, Map.of("pg-1", "streaming", "pg-2", "streaming"));

        assertThat(rows)
                .containsExactly(
                        new MemberTable.Row("pg-0", "127.0.0.1:54320", "Leader", "running", 1, Optional.empty()),
                        new MemberTable.Row("pg-1", "127.0.0.1:54321", "Replica", "streaming", 1, Optional.of(0L)),
                        new MemberTable.Row("pg-2", "127.0.0.1:54322", "Replica", "streaming", 1, Optional.of(0x200L)));
        assertThat(MemberTable.healthy(rows, 3)).isTrue();
        assertThat(MemberTable.summary(rows, List.of("pg-0", "pg-1", "pg-2")))
                .isEqualTo("pg-0 primary, pg-1 streaming, pg-2 streaming");
    }

    @Test
    void notHealthyWithoutLeaderKeyOrWhileAReplicaDoesNotStream() {
        Map<String, MemberEntry> members = members(
                primary("pg-0", 54320, "0/3000100"),
                replica("pg-1", 54321, "0/3000100", "0/3000100"),
                replica("pg-2", 54322, null, null));
        Map<String, String> receivers = Map.of("pg-1", "streaming", "pg-2", "waiting");

        List<MemberTable.Row> withLeader = MemberTable.rows(PG0_LEADS, members, receivers);
        assertThat(MemberTable.healthy(withLeader, 3)).isFalse();
        assertThat(withLeader.get(2).lagBytes()).isEmpty();
        assertThat(MemberTable.summary(withLeader, List.of("pg-0", "pg-1", "pg-2", "pg-3")))
                .isEqualTo("pg-0 primary, pg-1 streaming, pg-2 replica (waiting), pg-3 not registered yet");

        List<MemberTable.Row> noLeader = MemberTable.rows(Optional.empty(), members, receivers);
        assertThat(noLeader.get(0).role()).isEqualTo("Primary without leader key");
        assertThat(noLeader.get(1).lagBytes()).isEmpty();
        assertThat(MemberTable.healthy(noLeader, 3)).isFalse();
        assertThat(MemberTable.summary(noLeader, List.of("pg-0", "pg-1", "pg-2")))
                .isEqualTo("pg-0 Primary without leader key (running), pg-1 streaming, pg-2 replica (waiting)"
                        + " (no leader key yet)");
    }

    private static Map<String, MemberEntry> members(MemberEntry... entries) {
        Map<String, MemberEntry> members = new LinkedHashMap<>();
        for (MemberEntry entry : entries) {
            members.put(entry.name(), entry);
        }
        return members;
    }

    private static MemberEntry primary(String name, int port, String writeLsn) {
        return new MemberEntry(name, status("primary", port, writeLsn, null, null), 7);
    }

    private static MemberEntry replica(String name, int port, String receiveLsn, String replayLsn) {
        return new MemberEntry(name, status("replica", port, null, receiveLsn, replayLsn), 8);
    }

    private static MemberStatus status(String role, int port, String write, String receive, String replay) {
        return new MemberStatus(
                "postgres://127.0.0.1:" + port + "/postgres",
                "http://127.0.0.1:8008/patroni",
                MemberStatus.Role.of(role),
                "running",
                1,
                io.pgha.events.Lsn.parseNullable(write),
                io.pgha.events.Lsn.parseNullable(receive),
                io.pgha.events.Lsn.parseNullable(replay),
                Map.of(),
                null,
                "0.1.0");
    }
}
