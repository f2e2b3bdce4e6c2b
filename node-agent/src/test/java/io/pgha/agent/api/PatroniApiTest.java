package io.pgha.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PatroniApiTest {
    @Test
    void onlyTheConfiguredBearerTokenIsAccepted() {
        assertThat(PatroniApi.authorized("Bearer s3cret", Optional.of("s3cret")))
                .isTrue();
        assertThat(PatroniApi.authorized("Bearer wrong", Optional.of("s3cret"))).isFalse();
        assertThat(PatroniApi.authorized(null, Optional.of("s3cret"))).isFalse();
        assertThat(PatroniApi.authorized("Basic s3cret", Optional.of("s3cret"))).isFalse();
        assertThat(PatroniApi.authorized("Bearer ", Optional.empty())).isFalse();
    }
}
