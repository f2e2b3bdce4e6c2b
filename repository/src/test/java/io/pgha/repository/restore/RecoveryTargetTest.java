package io.pgha.repository.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.events.Lsn;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecoveryTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachKindOfTargetGivesItsRecoveryParameters() throws Exception {
        assertThat(parse("{\"time\": \"2026-12-01T10:15:30Z\"}").parameters())
                .containsExactly(
                        entry("recovery_target_time", "2026-12-01 10:15:30.000000+00"),
                        entry("recovery_target_inclusive", "on"),
                        entry("recovery_target_timeline", "latest"),
                        entry("recovery_target_action", "promote"));
        assertThat(parse("{\"time\": \"2026-12-01T12:15:30+02:00\"}").parameters())
                .containsEntry("recovery_target_time", "2026-12-01 10:15:30.000000+00");
        assertThat(RecoveryTarget.postgresTime(java.time.Instant.parse("2026-12-01T18:09:51.756Z")))
                .as("a numeric offset and microseconds: PostgreSQL refuses Z in recovery_target_time")
                .isEqualTo("2026-12-01 18:09:51.756000+00");
        assertThat(parse("{\"lsn\": \"0/3000060\", \"inclusive\": false}").parameters())
                .containsEntry("recovery_target_lsn", "0/3000060")
                .containsEntry("recovery_target_inclusive", "off");
        assertThat(parse("{\"xid\": \"1234\"}").parameters()).containsEntry("recovery_target_xid", "1234");
        assertThat(parse("{\"name\": \"before-migration_42\"}").parameters())
                .containsEntry("recovery_target_name", "before-migration_42");
        assertThat(parse("{\"immediate\": true}").parameters())
                .containsExactly(
                        entry("recovery_target", "immediate"),
                        entry("recovery_target_timeline", "latest"),
                        entry("recovery_target_action", "promote"));
        assertThat(RecoveryTarget.latestTarget().parameters())
                .containsExactly(
                        entry("recovery_target_timeline", "latest"), entry("recovery_target_action", "promote"));
        assertThat(RecoveryTarget.atLsn(Lsn.parse("1/A0")).describe()).isEqualTo("lsn 1/A0");
        assertThat(RecoveryTarget.atTime(Instant.parse("2026-12-01T10:15:30Z")).instant())
                .isEqualTo(Instant.parse("2026-12-01T10:15:30Z"));
        assertThat(parse("{\"name\": \"p\"}").describe()).isEqualTo("restore point p");
        assertThat(parse("{\"immediate\": true}").describe()).isEqualTo("immediate");
    }

    @Test
    void exactlyOneTargetIsRequired() throws Exception {
        assertThat(parse("{}").problems())
                .containsExactly(
                        "give exactly one recovery target of time, lsn, xid, name, immediate or latest (0 given)");
        assertThat(parse("{\"latest\": false}").problems()).hasSize(1);
        assertThat(parse("{\"time\": \"2026-12-01T10:15:30Z\", \"lsn\": \"0/1\"}")
                        .problems())
                .containsExactly(
                        "give exactly one recovery target of time, lsn, xid, name, immediate or latest (2 given)");
        assertThatThrownBy(
                        () -> parse("{\"immediate\": true, \"latest\": true}").parameters())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(2 given)");
        assertThat(parse("{\"latest\": true}").problems()).isEmpty();
    }

    @Test
    void everyBadValueIsNamedWithTheFieldAndNeverReachesTheParameters() throws Exception {
        assertThat(parse("{\"time\": \"yesterday\"}").problems())
                .containsExactly("target.time 'yesterday' is not an ISO-8601 instant like 2026-12-01T10:15:30Z");
        assertThat(parse("{\"lsn\": \"0/3000060'; DROP\"}").problems())
                .singleElement()
                .asString()
                .startsWith("target.lsn ");
        assertThat(parse("{\"xid\": \"12a\"}").problems())
                .singleElement()
                .asString()
                .startsWith("target.xid '12a'");
        assertThat(parse("{\"xid\": \"99999999999999999999\"}").problems())
                .singleElement()
                .asString()
                .contains("at most 18446744073709551615");
        assertThat(parse("{\"name\": \"x' recovery_target_action = 'shutdown\"}")
                        .problems())
                .singleElement()
                .asString()
                .startsWith("target.name ");
        assertThat(parse("{\"name\": \"" + "n".repeat(64) + "\"}").problems()).hasSize(1);
        assertThat(parse("{\"latest\": true, \"inclusive\": true}").problems())
                .containsExactly("target.inclusive applies only to time, lsn, xid and name");
        String twoProblems =
                String.join("; ", parse("{\"time\": \"soon\", \"xid\": \"x\"}").problems());
        assertThat(twoProblems).contains("target.time", "target.xid", "(2 given)");
        assertThatThrownBy(() -> parse("{\"time\": \"soon\"}").validated()).hasMessageContaining("target.time 'soon'");
        assertThat(parse("{\"time\": \"bad\\nline\"}").problems().get(0)).doesNotContain("\n");
    }

    @Test
    void unknownFieldsInTheBodyAreRefused() {
        assertThatThrownBy(() -> parse("{\"tiem\": \"2026-12-01T10:15:30Z\"}")).hasMessageContaining("tiem");
    }

    @Test
    void serializesOnlyTheGivenFields() throws Exception {
        assertThat(JSON.writeValueAsString(RecoveryTarget.latestTarget())).isEqualTo("{\"latest\":true}");
        assertThat(JSON.writeValueAsString(RecoveryTarget.atLsn(Lsn.parse("0/3000060"))))
                .isEqualTo("{\"lsn\":\"0/3000060\"}");
    }

    private static RecoveryTarget parse(String json) throws Exception {
        return JSON.readValue(json, RecoveryTarget.class);
    }
}
