package io.pgha.coordinator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.Lsn;
import org.junit.jupiter.api.Test;

/** Reading an agent's {@code GET /patroni} body (Patroni's format: positions as numbers). */
class AgentClientTest {
    @Test
    void aStreamingReplica() {
        AgentReport r = AgentClient.parse(
                200,
                """
                {"state": "running", "postmaster_start_time": "2024-05-01 12:00:00.000+00:00",
                 "role": "replica", "server_version": 160004,
                 "xlog": {"received_location": 50331744, "replayed_location": 50331648,
                          "replayed_timestamp": null, "paused": false},
                 "timeline": 3, "replication_state": "streaming",
                 "tags": {"nofailover": true, "failover_priority": 2, "clonefrom": "pg-0"},
                 "patroni": {"version": "3.3.0", "scope": "main", "name": "pg-1"}}
                """);

        assertThat(r.answered()).isTrue();
        assertThat(r.error()).isNull();
        assertThat(r.state()).isEqualTo("running");
        assertThat(r.role()).isEqualTo("replica");
        assertThat(r.streaming()).isTrue();
        assertThat(r.receiveLsn()).isEqualTo(Lsn.parse("0/3000060"));
        assertThat(r.replayLsn()).isEqualTo(Lsn.parse("0/3000000"));
        assertThat(r.location()).isNull();
        assertThat(r.timeline()).isEqualTo(3);
        assertThat(r.tags())
                .containsEntry("nofailover", true)
                .containsEntry("failover_priority", 2)
                .containsEntry("clonefrom", "pg-0")
                .hasSize(3);
    }

    @Test
    void aReplicaThatDoesNotStream() {
        AgentReport archive = AgentClient.parse(
                200,
                """
                {"state": "running", "role": "replica", "replication_state": "in archive recovery",
                 "xlog": {"received_location": null, "replayed_location": 50331648}, "timeline": 3}
                """);
        assertThat(archive.answered()).isTrue();
        assertThat(archive.streaming()).isFalse();
        assertThat(archive.receiveLsn()).isNull();
        assertThat(archive.replayLsn()).isEqualTo(Lsn.parse("0/3000000"));

        AgentReport stopped = AgentClient.parse(503, "{\"state\": \"stopped\", \"role\": \"replica\"}");
        assertThat(stopped.answered()).as("a 503 carries the same body").isTrue();
        assertThat(stopped.state()).isEqualTo("stopped");
        assertThat(stopped.streaming()).isFalse();
        assertThat(stopped.receiveLsn()).isNull();
        assertThat(stopped.replayLsn()).isNull();
        assertThat(stopped.timeline()).isZero();
        assertThat(stopped.tags()).isEmpty();
    }

    @Test
    void aPrimary() {
        AgentReport r = AgentClient.parse(
                200,
                """
                {"state": "running", "role": "primary", "server_version": 160004,
                 "xlog": {"location": 4294967396}, "timeline": 4,
                 "replication": [{"application_name": "pg-1", "state": "streaming", "sync_state": "sync"}]}
                """);

        assertThat(r.answered()).isTrue();
        assertThat(r.role()).isEqualTo("primary");
        assertThat(r.location()).isEqualTo(Lsn.parse("1/64"));
        assertThat(r.receiveLsn()).isNull();
        assertThat(r.replayLsn()).isNull();
        assertThat(r.streaming()).isFalse();
        assertThat(r.timeline()).isEqualTo(4);
        assertThat(r.tags()).isEmpty();
    }

    @Test
    void positionsThatAreNotNumbersAreUnknown() {
        AgentReport r = AgentClient.parse(
                200,
                """
                {"state": "running", "role": "replica", "replication_state": "streaming",
                 "xlog": {"received_location": "0/3000060", "replayed_location": 1.5}}
                """);
        assertThat(r.answered()).isTrue();
        assertThat(r.receiveLsn()).isNull();
        assertThat(r.replayLsn()).isNull();
    }

    @Test
    void missingFieldsAreUnknown() {
        AgentReport r = AgentClient.parse(200, "{}");
        assertThat(r.answered()).isTrue();
        assertThat(r.state()).isEqualTo("unknown");
        assertThat(r.role()).isEqualTo("unknown");
        assertThat(r.streaming()).isFalse();
    }

    @Test
    void aBodyThatIsNotJsonIsNoAnswerAndSaysWhy() {
        AgentReport r = AgentClient.parse(502, "<html><body>Bad Gateway</body></html>");
        assertThat(r.answered()).isFalse();
        assertThat(r.error()).isEqualTo("HTTP 502 with a body that is not JSON");
        assertThat(r.state()).isEqualTo("unknown");
        assertThat(r.role()).isEqualTo("unknown");
        assertThat(r.receiveLsn()).isNull();
        assertThat(r.tags()).isEmpty();
    }

    @Test
    void aBodyThatIsNotAnObjectIsNoAnswer() {
        AgentReport array = AgentClient.parse(200, "[1, 2]");
        assertThat(array.answered()).isFalse();
        assertThat(array.error()).isEqualTo("HTTP 200 with a body that is not a JSON object");

        AgentReport empty = AgentClient.parse(503, "");
        assertThat(empty.answered()).isFalse();
        assertThat(empty.error()).startsWith("HTTP 503 with a body that is not");
    }
}
