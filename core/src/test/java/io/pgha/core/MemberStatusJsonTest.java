package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.events.Lsn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberStatusJsonTest {
    private static final MemberStatus REPLICA = new MemberStatus(
            "postgres://127.0.0.1:5433/postgres",
            "http://127.0.0.1:8009/patroni",
            MemberStatus.Role.REPLICA,
            "running",
            3,
            null,
            Lsn.parse("0/3000060"),
            Lsn.parse("0/3000000"),
            Map.of("nofailover", false),
            null,
            "0.1.0",
            null,
            null,
            null);

    @Test
    void theMemberKeyCarriesItsComponentsOnlyNotTheDerivedGetters() throws Exception {
        JsonNode written = new ObjectMapper().readTree(Json.write(REPLICA));
        List<String> fields = new ArrayList<>();
        written.fieldNames().forEachRemaining(fields::add);

        assertThat(fields)
                .containsExactlyInAnyOrder(
                        "conn_url",
                        "api_url",
                        "role",
                        "state",
                        "timeline",
                        "receive_lsn",
                        "replay_lsn",
                        "tags",
                        "version");
    }

    @Test
    void aKeyWrittenWithTheDerivedFieldsByAnOlderAgentStillReads() {
        String older = "{\"running\":true,\"runningReplica\":true,\"streamingReplica\":true,"
                + Json.write(REPLICA).substring(1);

        MemberStatus read = Json.read(older, MemberStatus.class, "member key");

        assertThat(read).isEqualTo(REPLICA);
        assertThat(read.isStreamingReplica()).isTrue();
    }
}
