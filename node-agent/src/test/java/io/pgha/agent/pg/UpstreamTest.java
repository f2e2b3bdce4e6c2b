package io.pgha.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UpstreamTest {
    @Test
    void aMemberKeysConnUrlGivesHostAndPort() {
        assertThat(Upstream.fromConnUrl("pg-1", "postgres://10.0.0.2:5433/postgres"))
                .isEqualTo(new Upstream("pg-1", "10.0.0.2", 5433));
    }

    @Test
    void aLeaderNameReadFromEtcdIsRevalidatedBeforeItReachesPrimaryConninfo() {
        assertThatThrownBy(() -> Upstream.fromConnUrl("pg-1\nhost=evil", "postgres://10.0.0.2:5433/postgres"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member name");
        assertThatThrownBy(() -> new Upstream("pg 1", "10.0.0.2", 5433))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member name");
    }

    @Test
    void aHostWithSpacesOrControlCharactersIsRefused() {
        assertThatThrownBy(() -> new Upstream("pg-1", "10.0.0.2 sslmode=disable", 5433))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() -> new Upstream("pg-1", "10.0.0.2", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
    }
}
