package io.pgha.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.AlertEvent.AlertFired;
import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private final EventCodec codec = new EventCodec();

    @Test
    void writesSnakeCaseIsoTimesAndPostgresLsnsAndLeavesOutAbsentValues() {
        String json = new String(codec.encode(EventExamples.all().get(0)), StandardCharsets.UTF_8);

        assertThat(json)
                .contains("\"observed_at\":\"2025-05-01T10:15:30.123Z\"")
                .contains("\"receive_lsn\":\"0/3000060\"")
                .contains("\"role\":\"replica\"")
                .contains("\"probe_latency_ms\":3")
                .doesNotContain("null")
                .doesNotContain("\"lsn\"")
                .doesNotContain("occurredAt")
                .doesNotContain("subject")
                .doesNotContain("\"key\"");
    }

    @Test
    void ignoresUnknownPropertiesAndReadsUnknownEnumValuesAsTheDefault() {
        String json = "{\"cluster\":\"demo\",\"member\":\"pg-1\",\"observer\":\"hm-0\","
                + "\"observed_at\":\"2025-05-01T10:15:30Z\",\"reachable\":true,\"role\":\"standby_leader\","
                + "\"probe_latency_ms\":4,\"added_in_a_later_v1\":{\"nested\":[1,2]}}";

        NodeHealthObserved event = (NodeHealthObserved)
                codec.decode("io.pgha.node-health-observed.v1", json.getBytes(StandardCharsets.UTF_8));

        assertThat(event.member()).isEqualTo("pg-1");
        assertThat(event.role()).isEqualTo(NodeRole.UNKNOWN);
    }

    @Test
    void readsUnknownValuesOfNestedEnumsAsTheDefault() {
        TopologyChanged event = oneMemberTopology("a_later_role");
        assertThat(event.members().get(0).role()).isEqualTo(MemberRole.UNKNOWN);
        assertThat(event.members().get(0).tags()).isEmpty();

        AlertFired alert = (AlertFired) codec.decode(
                "io.pgha.alert-fired.v1",
                ("{\"cluster\":\"demo\",\"alert\":\"A\",\"fingerprint\":\"f\",\"severity\":\"page\","
                                + "\"starts_at\":\"2025-05-01T10:15:30Z\",\"occurred_at\":\"2025-05-01T10:15:30Z\"}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(alert.severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void aQuorumStandbyIsReadAndWrittenAsQuorumStandby() {
        TopologyChanged event = oneMemberTopology("quorum_standby");
        assertThat(event.members().get(0).role()).isEqualTo(MemberRole.QUORUM_STANDBY);
        String written = new String(codec.encode(event), StandardCharsets.UTF_8);
        assertThat(written).contains("\"role\":\"quorum_standby\"");
        assertThat(SchemaSupport.errors("schemas/topology-changed.v1.json", written))
                .isEmpty();
    }

    /** A topology whose one member pg-0 has the role {@code role} as written on the wire. */
    private TopologyChanged oneMemberTopology(String role) {
        String json = "{\"cluster\":\"demo\",\"epoch\":7,\"members\":[{\"name\":\"pg-0\",\"role\":\"" + role + "\","
                + "\"host\":\"h\",\"port\":5432}],\"sync_standbys\":[],\"pause\":false,"
                + "\"occurred_at\":\"2025-05-01T10:15:30Z\"}";
        return (TopologyChanged) codec.decode("io.pgha.topology-changed.v1", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void garbageFailsWithTheTypeAndTheReason() {
        assertThatThrownBy(() -> codec.decode("io.pgha.topology-changed.v1", new byte[] {0, 1, 2, (byte) 0xff}))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageStartingWith("cannot parse the body of an io.pgha.topology-changed.v1 record")
                .hasMessageContaining("line 1, column");
    }

    @Test
    void aMissingRequiredPropertyIsNamed() {
        assertThatThrownBy(() -> codec.decode(
                        "io.pgha.coordinator-elected.v1",
                        "{\"epoch\":3,\"coordinator\":\"c-1\",\"occurred_at\":\"2025-05-01T10:15:30Z\"}"
                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("cluster is missing");
        assertThatThrownBy(() -> codec.decode(
                        "io.pgha.coordinator-elected.v1",
                        "{\"cluster\":\"demo\",\"coordinator\":\"c-1\",\"occurred_at\":\"2025-05-01T10:15:30Z\"}"
                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("at $.epoch: a required value is missing or null");
    }

    @Test
    void aWrongValueIsNamedWithItsPath() {
        String json = "{\"cluster\":\"demo\",\"epoch\":7,\"members\":[{\"name\":\"pg-0\",\"host\":\"h\","
                + "\"port\":\"five\"}],\"pause\":false,\"occurred_at\":\"2025-05-01T10:15:30Z\"}";
        assertThatThrownBy(() -> codec.decode("io.pgha.topology-changed.v1", json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("at $.members[0].port");

        String badLsn = "{\"cluster\":\"demo\",\"epoch\":1,\"member\":\"pg-0\",\"lsn\":\"nope\","
                + "\"occurred_at\":\"2025-05-01T10:15:30Z\"}";
        assertThatThrownBy(() -> codec.decode("io.pgha.member-promoted.v1", badLsn.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("$.lsn")
                .hasMessageContaining("'nope' is not an LSN");
    }

    @Test
    void aMissingOrUnknownTypeSaysWhatToDo() {
        assertThatThrownBy(() -> codec.decode((String) null, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("ce_type");
        assertThatThrownBy(() -> codec.decode("io.pgha.something-new.v1", "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("unknown CloudEvent type 'io.pgha.something-new.v1'")
                .hasMessageContaining("upgrade pgha-events");
        assertThatThrownBy(() -> codec.decode("io.pgha.topology-changed.v1", new byte[0]))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("has no body");
    }

    @Test
    void aPoolUsageObservationIsKeyedByItsPoolerAndCarriesOnlyUsableNames() {
        NodeHealthEvent.PoolUsageObserved pool = EventExamples.poolUsageObserved();
        assertThat(pool.key()).isEqualTo("demo/renderer-0");
        assertThat(pool.subject()).isEqualTo("demo/renderer-0");
        assertThat(Topics.of(pool)).isEqualTo(Topics.NODE_HEALTH);
        assertThat(new String(codec.encode(pool), StandardCharsets.UTF_8))
                .contains("\"pooler\":\"renderer-0\"")
                .contains("\"max_wait_seconds\":6.5")
                .doesNotContain("\"member\"");

        String good = "{\"cluster\":\"demo\",\"pooler\":\"r-0\",\"database\":\"app\",\"user\":\"app\","
                + "\"observed_at\":\"2025-05-01T10:15:30Z\",\"clients_active\":1,\"clients_waiting\":0,"
                + "\"max_wait_seconds\":0,\"server_connections\":1}";
        assertThat(codec.decode("io.pgha.pool-usage-observed.v1", good.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(NodeHealthEvent.PoolUsageObserved.class);

        assertThatThrownBy(() -> decodePool(good.replace("\"user\":\"app\"", "\"user\":\"a\\u0007pp\"")))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("user contains a control character");
        assertThatThrownBy(() ->
                        decodePool(good.replace("\"database\":\"app\"", "\"database\":\"" + "d".repeat(64) + "\"")))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("database is longer than 63 bytes");
        assertThatThrownBy(() -> decodePool(good.replace("\"clients_waiting\":0", "\"clients_waiting\":-1")))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("clients_waiting is -1");
        assertThatThrownBy(() -> decodePool(good.replace("\"max_wait_seconds\":0", "\"max_wait_seconds\":-0.5")))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("max_wait_seconds is -0.5");
        assertThatThrownBy(() -> decodePool(good.replace("\"pooler\":\"r-0\",", "")))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("pooler is missing");
    }

    private void decodePool(String json) {
        codec.decode("io.pgha.pool-usage-observed.v1", json.getBytes(StandardCharsets.UTF_8));
    }
}
