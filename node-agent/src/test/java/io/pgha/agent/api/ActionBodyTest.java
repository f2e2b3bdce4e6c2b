package io.pgha.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A POST action runs only when its body is empty or a JSON object of options pgha carries out: a
 * scheduled or conditional restart (Patroni's {@code schedule}, {@code role}, ...) must not restart
 * PostgreSQL now, so it is refused naming the options.
 */
class ActionBodyTest {
    @Test
    void anEmptyBodyOrAnEmptyObjectRuns() {
        assertThat(ActionBody.problem("/restart", null)).isEmpty();
        assertThat(ActionBody.problem("/restart", "")).isEmpty();
        assertThat(ActionBody.problem("/reload", " \n")).isEmpty();
        assertThat(ActionBody.problem("/restart", "{}")).isEmpty();
        assertThat(ActionBody.problem("/reinitialize", "{\"force\": true}")).isEmpty();
    }

    @Test
    void aScheduledOrConditionalRestartIsRefusedNamingTheOptions() {
        assertThat(ActionBody.problem("/restart", "{\"schedule\": \"2030-01-01T00:00:00Z\", \"role\": \"primary\"}"))
                .hasValueSatisfying(p -> assertThat(p)
                        .contains("POST /restart")
                        .contains("role, schedule")
                        .contains("empty body or {}"));
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsRefusedWithTheParseError() {
        assertThat(ActionBody.problem("/reload", "{not json"))
                .hasValueSatisfying(p -> assertThat(p).contains("POST /reload").contains("not valid JSON"));
        assertThat(ActionBody.problem("/reload", "[]"))
                .hasValueSatisfying(p -> assertThat(p).contains("a JSON object"));
        assertThat(ActionBody.problem("/reload", "null")).isPresent();
        assertThat(ActionBody.problem("/reload", "{} trailing")).isPresent();
        assertThat(ActionBody.problem("/reload", "[".repeat(10_000) + "]".repeat(10_000)))
                .isPresent();
    }

    @Test
    void anOptionOfTheWrongTypeIsRefused() {
        assertThat(ActionBody.problem("/reinitialize", "{\"force\": \"yes\"}"))
                .hasValueSatisfying(p -> assertThat(p).contains("force must be true or false"));
    }
}
