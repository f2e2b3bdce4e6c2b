package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiTest {
    @Test
    void anAgentsPathReplacesThePathOfItsApiUrl() {
        assertThat(Api.agentUri("http://127.0.0.1:8008/patroni", "/restart"))
                .isEqualTo(URI.create("http://127.0.0.1:8008/restart"));
        assertThat(Api.agentUri("https://node-1.db:8443", "/patroni"))
                .isEqualTo(URI.create("https://node-1.db:8443/patroni"));
    }

    @Test
    void theReasonIsTheErrorOrMessageOfAJsonBodyOrThePlainText() {
        URI uri = URI.create("http://x");
        assertThat(new Api.Answer(412, "{\"error\":\"no candidate\"}", Optional.empty(), uri).reason())
                .isEqualTo("no candidate");
        assertThat(new Api.Answer(200, "{\"message\":\"Cluster is paused\"}", Optional.empty(), uri).reason())
                .isEqualTo("Cluster is paused");
        assertThat(new Api.Answer(503, "restart failed: boom\n", Optional.empty(), uri).reason())
                .isEqualTo("restart failed: boom");
    }
}
