package io.pgha.coordinator.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A request body is one JSON value: anything after it is refused, not ignored. */
class BodiesTest {
    @Test
    void trailingGarbageAfterTheFirstValueIsRefused() {
        assertThatThrownBy(() -> Bodies.parse("{} {\"ttl\": 1} garbage"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("not valid JSON");
    }
}
