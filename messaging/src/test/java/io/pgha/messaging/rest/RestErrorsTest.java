package io.pgha.messaging.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RestErrorsTest {
    @Test
    void aReasonWithAPathTheClientSentStaysOneValidJsonString() {
        assertThat(RestErrors.quoted("nothing at /a\"b\\c\nd\u0000"))
                .isEqualTo("\"nothing at /a\\\"b\\\\c\\u000ad\\u0000\"");
    }
}
