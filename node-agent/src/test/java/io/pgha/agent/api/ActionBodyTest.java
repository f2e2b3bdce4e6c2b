package io.pgha.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * POST /reload and /reinitialize run only when their body is empty or a JSON object of options pgha
 * carries out; anything else is refused naming it (POST /restart's body: RestartRequestTest).
 */
class ActionBodyTest {
    @Test
    void anEmptyBodyOrAnEmptyObjectRuns() {
        assertThat(ActionBody.problem("/reload", null)).isEmpty();
        assertThat(ActionBody.problem("/reload", "")).isEmpty();
        assertThat(ActionBody.problem("/reload", " \n")).isEmpty();
        assertThat(ActionBody.problem("/reload", "{}")).isEmpty();
        assertThat(ActionBody.problem("/reinitialize", "{\"force\": true}")).isEmpty();
        assertThat(ActionBody.problem("/reinitialize", "{\"force\": true, \"from-leader\": true}"))
                .isEmpty();
        assertThat(ActionBody.problem("/reinitialize", "{\"from_leader\": false}"))
                .isEmpty();
        assertThat(ActionBody.flag("{\"force\": true, \"from-leader\": false}", "force"))
                .isTrue();
        assertThat(ActionBody.flag("{\"from-leader\": false}", "force")).isFalse();
        assertThat(ActionBody.flag(null, "force")).isFalse();
    }

    @Test
    void anUnknownOptionIsRefusedNamingTheAcceptedOnes() {
        assertThat(ActionBody.problem("/reinitialize", "{\"wipe\": true}")).hasValueSatisfying(p -> assertThat(p)
                .contains("POST /reinitialize")
                .contains("unknown option(s) wipe")
                .contains("force, from-leader, from_leader"));
        assertThat(ActionBody.problem("/reload", "{\"force\": true}"))
                .hasValueSatisfying(p -> assertThat(p).contains("empty body or {}"));
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
