package io.pgha.backup.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.MemberStatus;
import io.pgha.core.MemberStatus.Role;
import io.pgha.events.Lsn;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourceChoiceTest {
    private static MemberStatus primary(long timeline, String lsn) {
        return new MemberStatus(
                "postgres://10.0.0.1:5432/postgres",
                null,
                Role.PRIMARY,
                "running",
                timeline,
                Lsn.parse(lsn),
                null,
                null,
                Map.of(),
                null,
                "1");
    }

    private static MemberStatus replica(long timeline, String received, String state) {
        return new MemberStatus(
                "postgres://10.0.0.2:5432/postgres",
                null,
                Role.REPLICA,
                state,
                timeline,
                null,
                received == null ? null : Lsn.parse(received),
                received == null ? null : Lsn.parse(received),
                Map.of(),
                null,
                "1");
    }

    @Test
    void picksTheMostAdvancedStreamingReplica() {
        Map<String, MemberStatus> members = Map.of(
                "pg-0", primary(2, "0/9000000"),
                "pg-1", replica(2, "0/8000000", "running"),
                "pg-2", replica(2, "0/8F00000", "running"));

        SourceChoice.Choice choice =
                SourceChoice.choose(members, Optional.of("pg-0")).orElseThrow();

        assertThat(choice.source()).isEqualTo("pg-2");
        assertThat(choice.primary()).isEqualTo("pg-0");
        assertThat(choice.fromReplica()).isTrue();
    }

    @Test
    void fallsBackToThePrimaryWhenNoReplicaStreams() {
        Map<String, MemberStatus> members = new HashMap<>();
        members.put("pg-0", primary(1, "0/9000000"));
        members.put("pg-1", replica(1, null, "running")); // running but never received
        members.put("pg-2", replica(1, "0/8000000", "stopped"));
        members.put("pg-3", null); // unreadable key

        SourceChoice.Choice choice =
                SourceChoice.choose(members, Optional.of("pg-0")).orElseThrow();

        assertThat(choice.source()).isEqualTo("pg-0");
        assertThat(choice.fromReplica()).isFalse();
    }

    @Test
    void aReplicaOnAnotherTimelineIsNotASource() {
        Map<String, MemberStatus> members =
                Map.of("pg-0", primary(3, "0/9000000"), "pg-1", replica(2, "0/9900000", "running"));

        assertThat(SourceChoice.choose(members, Optional.of("pg-0"))
                        .orElseThrow()
                        .source())
                .isEqualTo("pg-0");
    }

    @Test
    void equalPositionsChooseByName() {
        Map<String, MemberStatus> members = Map.of(
                "pg-0", primary(1, "0/9000000"),
                "pg-2", replica(1, "0/8000000", "running"),
                "pg-1", replica(1, "0/8000000", "running"));

        assertThat(SourceChoice.choose(members, Optional.empty()).orElseThrow().source())
                .isEqualTo("pg-1");
    }

    @Test
    void noRunningPrimaryMeansNoBackup() {
        Map<String, MemberStatus> members = Map.of("pg-1", replica(1, "0/8000000", "running"));

        assertThat(SourceChoice.choose(members, Optional.empty())).isEmpty();
    }

    @Test
    void twoPrimariesWithoutALeaderKeyMeansNoBackup() {
        Map<String, MemberStatus> members = Map.of("pg-0", primary(1, "0/1000000"), "pg-1", primary(2, "0/2000000"));

        assertThat(SourceChoice.choose(members, Optional.empty())).isEmpty();
        assertThat(SourceChoice.choose(members, Optional.of("pg-1"))
                        .orElseThrow()
                        .primary())
                .isEqualTo("pg-1");
    }
}
