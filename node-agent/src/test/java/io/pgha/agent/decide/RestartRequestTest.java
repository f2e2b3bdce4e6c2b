package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** POST /restart's body as Patroni 4 reads it, and whether it applies to a member. */
class RestartRequestTest {
    private static final Instant NOW = Instant.parse("2026-12-02T14:00:00Z");

    private static RestartRequest ok(String body) {
        RestartRequest.Parsed parsed = RestartRequest.parse(body, NOW);
        assertThat(parsed.ok()).as(parsed.error()).isTrue();
        return parsed.request();
    }

    private static RestartRequest.Parsed refused(String body, int status) {
        RestartRequest.Parsed parsed = RestartRequest.parse(body, NOW);
        assertThat(parsed.ok()).as(body).isFalse();
        assertThat(parsed.status()).as(body).isEqualTo(status);
        return parsed;
    }

    @Test
    void anEmptyBodyIsAnUnconditionalRestartNow() {
        assertThat(ok(null)).isEqualTo(RestartRequest.NOW);
        assertThat(ok(" ")).isEqualTo(RestartRequest.NOW);
        assertThat(ok("{}")).isEqualTo(RestartRequest.NOW);
        assertThat(RestartRequest.NOW.unmet("primary", 150010, false)).isEmpty();
        assertThat(RestartRequest.NOW.unmet("uninitialized", 0, false)).isEmpty();
    }

    @Test
    void restartPendingAppliesOnlyWhileARestartIsPending() {
        RestartRequest r = ok("{\"restart_pending\": true}");
        assertThat(r.unmet("replica", 150010, true)).isEmpty();
        assertThat(r.unmet("replica", 150010, false)).hasValue("pending restart flag is not set");
        // Patroni's own feature file sends the string "True"
        assertThat(ok("{\"restart_pending\": \"True\"}").restartPending()).isTrue();
        assertThat(ok("{\"restart_pending\": false}").unmet("replica", 150010, false))
                .isEmpty();
        assertThat(refused("{\"restart_pending\": \"maybe\"}", 400).error())
                .contains("restart_pending must be true or false");
    }

    @Test
    void roleTakesPatronisNamesAndMatchesOnlyThatRole() {
        assertThat(ok("{\"role\": \"primary\"}").role()).hasValue("primary");
        assertThat(ok("{\"role\": \"master\"}").role()).hasValue("primary");
        assertThat(ok("{\"role\": \"replica\"}").role()).hasValue("replica");
        assertThat(ok("{\"role\": \"standby-leader\"}").role()).hasValue("standby_leader");
        assertThat(ok("{\"role\": \"standby_leader\"}").role()).hasValue("standby_leader");
        RestartRequest replica = ok("{\"role\": \"replica\"}");
        assertThat(replica.unmet("replica", 150010, false)).isEmpty();
        assertThat(replica.unmet("primary", 150010, false))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("host role mismatch"));
        assertThat(ok("{\"role\": \"standby_leader\"}").unmet("primary", 150010, false))
                .isPresent();
        assertThat(refused("{\"role\": \"leader\"}", 400).error())
                .contains("role must be primary (or master), replica or standby_leader")
                .contains("\"leader\"");
        refused("{\"role\": 1}", 400);
    }

    @Test
    void postgresVersionRestartsOnlyALowerRunningVersion() {
        RestartRequest r = ok("{\"postgres_version\": \"15.4\"}");
        assertThat(r.unmet("primary", 150003, false)).isEmpty();
        assertThat(r.unmet("primary", 150004, false))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("postgres version mismatch"));
        assertThat(r.unmet("primary", 160000, false)).isPresent();
        assertThat(RestartRequest.versionNumber("9.6.3")).hasValue(90603);
        assertThat(RestartRequest.versionNumber("15.10")).hasValue(150010);
        assertThat(RestartRequest.versionNumber("15")).isEmpty();
        assertThat(RestartRequest.versionNumber("9.6")).isEmpty();
        assertThat(RestartRequest.versionNumber("15.1.2")).isEmpty();
        assertThat(refused("{\"postgres_version\": \"fifteen\"}", 400).error())
                .contains("postgres_version must be X.Y");
    }

    @Test
    void timeoutIsAPositiveNumberOfSecondsWithAnOptionalUnit() {
        assertThat(ok("{\"timeout\": 30}").timeout()).hasValue(Duration.ofSeconds(30));
        assertThat(ok("{\"timeout\": \"30s\"}").timeout()).hasValue(Duration.ofSeconds(30));
        assertThat(ok("{\"timeout\": \"2min\"}").timeout()).hasValue(Duration.ofMinutes(2));
        for (String bad : new String[] {"0", "-5", "\"soon\"", "1.5", "\"500ms\""}) {
            assertThat(refused("{\"timeout\": " + bad + "}", 400).error())
                    .contains("timeout must be a positive number of seconds");
        }
    }

    @Test
    void scheduleIsAFutureTimestampWithAnOffset() {
        RestartRequest r = ok("{\"schedule\": \"2026-12-02T16:30:00+01:00\", \"role\": \"replica\"}");
        assertThat(r.schedule())
                .hasValueSatisfying(at -> assertThat(at.toInstant()).isEqualTo(Instant.parse("2026-12-02T15:30:00Z")));
        // 14:30+01:00 is 13:30Z: in the past
        refused("{\"schedule\": \"2026-12-02T14:30:00+01:00\"}", 422);
        assertThat(ok("{\"schedule\": \"2026-12-02T14:30Z\"}").schedule()).isPresent();
        assertThat(ok("{\"schedule\": \"2026-12-02 14:30:00.5+00\"}").schedule())
                .isPresent();
        assertThat(refused("{\"schedule\": \"2026-12-02T14:30:00\"}", 400).error())
                .contains("timezone information is mandatory");
        assertThat(refused("{\"schedule\": \"2026-12-02T13:59:00Z\"}", 422).error())
                .contains("cannot schedule restart in the past");
        assertThat(refused("{\"schedule\": \"tomorrow\"}", 422).error()).contains("unable to parse");
        refused("{\"schedule\": 12}", 422);
        assertThat(r.now().schedule()).isEmpty();
        assertThat(r.now().role()).hasValue("replica");
    }

    @Test
    void anUnknownFieldOrABadBodyIsRefusedNamingWhatIsAllowed() {
        assertThat(refused("{\"when\": \"now\"}", 400).error())
                .contains("unknown filter for the scheduled restart: when")
                .contains("restart_pending, role, postgres_version, timeout, schedule");
        assertThat(refused("[]", 400).error()).contains("a JSON object");
        assertThat(refused("{not json", 400).error()).contains("not valid JSON");
        assertThat(refused("{} {}", 400).error()).contains("not valid JSON");
    }

    @Test
    void theScheduledRestartIsShownInPatronisShape() {
        RestartRequest r = ok("{\"schedule\": \"2026-12-02T14:30:00Z\", \"restart_pending\": true, \"role\":"
                + " \"master\", \"postgres_version\": \"16.1\", \"timeout\": \"1min\"}");
        assertThat(r.patroniShape())
                .isEqualTo(Map.of(
                        "schedule", "2026-12-02T14:30Z",
                        "restart_pending", true,
                        "role", "primary",
                        "postgres_version", "16.1",
                        "timeout", 60L));
        assertThat(ok("{\"schedule\": \"2026-12-02T14:30:00Z\"}").patroniShape())
                .containsOnlyKeys("schedule");
        assertThat(Optional.of(r.patroniShape().keySet().iterator().next())).hasValue("schedule");
    }
}
