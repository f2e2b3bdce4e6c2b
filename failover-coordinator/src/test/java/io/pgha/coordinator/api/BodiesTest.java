package io.pgha.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.core.DynamicConfig;
import org.junit.jupiter.api.Test;

/** A request body is one JSON value: anything after it is refused, not ignored. */
class BodiesTest {
    @Test
    void trailingGarbageAfterTheFirstValueIsRefused() {
        assertThatThrownBy(() -> Bodies.parse("{} {\"ttl\": 1} garbage"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("not valid JSON");
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) Bodies.parse(text);
    }

    @Test
    void aPatchMergesIntoTheStoredConfigAndWritesPatronisShape() {
        ObjectNode stored = json("{\"ttl\":20,\"use_pg_rewind\":false,\"postgresql\":{\"parameters\":{\"a\":\"1\"}}}");
        ObjectNode next =
                Bodies.nextConfig(stored, json("{\"postgresql\":{\"parameters\":{\"b\":2,\"a\":null}}}"), true);
        assertThat(next.toString())
                .isEqualTo("{\"ttl\":20,\"postgresql\":{\"parameters\":{\"b\":2},\"use_pg_rewind\":false}}");
        assertThat(stored.has("use_pg_rewind"))
                .as("the stored node is not changed")
                .isTrue();
        assertThat(DynamicConfig.problemsIn(next.toString())).isEmpty();
    }

    @Test
    void anOldClientsFlatUsePgRewindLandsUnderPostgresql() {
        ObjectNode next = Bodies.nextConfig(
                json("{\"postgresql\":{\"use_pg_rewind\":true}}"), json("{\"use_pg_rewind\":false}"), true);
        assertThat(next.toString()).isEqualTo("{\"postgresql\":{\"use_pg_rewind\":false}}");
        ObjectNode removed =
                Bodies.nextConfig(json("{\"use_pg_rewind\":false,\"ttl\":20}"), json("{\"use_pg_rewind\":null}"), true);
        assertThat(removed.toString()).isEqualTo("{\"ttl\":20,\"postgresql\":{}}");
    }

    @Test
    void aPutReplacesTheStoredConfigAndNullsInsideNewObjectsAreDropped() {
        ObjectNode next = Bodies.nextConfig(
                json("{\"ttl\":20,\"pause\":true}"),
                json("{\"loop_wait\":2,\"postgresql\":{\"use_slots\":true,\"parameters\":{\"x\":null}}}"),
                false);
        assertThat(next.toString())
                .isEqualTo("{\"loop_wait\":2,\"postgresql\":{\"use_slots\":true,\"parameters\":{}}}");
    }

    @Test
    void aPatchReplacesThePgHbaListAndABadLineIsNamed() {
        ObjectNode stored = json("{\"postgresql\":{\"pg_hba\":[\"host all all 10.0.0.0/8 md5\"]}}");
        ObjectNode next = Bodies.nextConfig(
                stored, json("{\"postgresql\":{\"pg_hba\":[\"hostssl all all 10.0.0.0/8 md5\"]}}"), true);
        assertThat(next.toString()).isEqualTo("{\"postgresql\":{\"pg_hba\":[\"hostssl all all 10.0.0.0/8 md5\"]}}");
        assertThat(DynamicConfig.problemsIn(next.toString())).isEmpty();
        ObjectNode bad = Bodies.nextConfig(
                stored, json("{\"postgresql\":{\"pg_hba\":[\"host all all 10.0.0.0/8 md6\"]}}"), true);
        assertThat(DynamicConfig.problemsIn(bad.toString()))
                .singleElement()
                .asString()
                .startsWith(
                        "postgresql.pg_hba[0] \"host all all 10.0.0.0/8 md6\": 'md6' is not an authentication method");
        ObjectNode removed = Bodies.nextConfig(stored, json("{\"postgresql\":{\"pg_hba\":null}}"), true);
        assertThat(removed.toString()).isEqualTo("{\"postgresql\":{}}");
    }
}
