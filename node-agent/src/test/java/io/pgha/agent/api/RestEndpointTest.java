package io.pgha.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RestEndpointTest {
    @Test
    void withoutAKeyStoreTheApiIsPlainHttpOnTheHttpPort() {
        RestEndpoint endpoint = RestEndpoint.decide(false, 8008, 8443);
        assertThat(endpoint.apiUrl("10.0.0.5")).isEqualTo("http://10.0.0.5:8008/patroni");
    }

    @Test
    void withAKeyStoreTheApiUrlFollowsTheSchemeAndTheSslPort() {
        RestEndpoint endpoint = RestEndpoint.decide(true, 8008, 8009);
        assertThat(endpoint.https()).isTrue();
        assertThat(endpoint.apiUrl("10.0.0.5")).isEqualTo("https://10.0.0.5:8009/patroni");
        assertThat(endpoint.apiUrl("::1")).isEqualTo("https://[::1]:8009/patroni");
        assertThat(endpoint.apiUrl("[::1]")).isEqualTo("https://[::1]:8009/patroni");
    }
}
