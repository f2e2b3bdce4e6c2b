package io.pgha.messaging.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenFilterTest {
    private static final ApiToken TOKEN = new ApiToken() {
        @Override
        public String token() {
            return "s3cret";
        }

        @Override
        public String changes() {
            return "backups";
        }
    };

    @Test
    void readsPassWithoutAToken() {
        assertThat(BearerTokenFilter.refusal("GET", null, TOKEN)).isEmpty();
        assertThat(BearerTokenFilter.refusal("HEAD", null, TOKEN)).isEmpty();
        assertThat(BearerTokenFilter.refusal("OPTIONS", "Bearer wrong", TOKEN)).isEmpty();
    }

    @Test
    void aChangeWithTheTokenPasses() {
        assertThat(BearerTokenFilter.refusal("POST", "Bearer s3cret", TOKEN)).isEmpty();
        assertThat(BearerTokenFilter.refusal("DELETE", "Bearer  s3cret ", TOKEN))
                .isEmpty();
    }

    @Test
    void aChangeWithoutTheHeaderIsToldWhatToSend() {
        assertThat(BearerTokenFilter.refusal("POST", null, TOKEN))
                .contains("this call changes backups: send Authorization: Bearer <token> (pgha.api.token)");
    }

    @Test
    void aChangeWithAnotherTokenOrSchemeIsRefused() {
        String wrong = "the bearer token is not the configured pgha.api.token";
        assertThat(BearerTokenFilter.refusal("POST", "Bearer s3cre", TOKEN)).contains(wrong);
        assertThat(BearerTokenFilter.refusal("PUT", "Basic czNjcmV0", TOKEN)).contains(wrong);
        assertThat(BearerTokenFilter.refusal("POST", "", TOKEN)).contains(wrong);
    }
}
