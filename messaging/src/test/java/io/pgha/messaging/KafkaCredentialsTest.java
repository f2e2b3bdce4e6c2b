package io.pgha.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class KafkaCredentialsTest {
    private static final Function<Path, String> FILES =
            path -> Map.of(Path.of("/secrets/fc.password"), "s3cret-Value_1\n", Path.of("/secrets/empty"), " \n")
                    .get(path);

    @Test
    void aUserAndAPasswordFileMakeAScramLogin() {
        assertThat(jaas("failover-coordinator", "/secrets/fc.password", null, null))
                .contains("org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"failover-coordinator\" password=\"s3cret-Value_1\";");
        assertThat(jaas("failover-coordinator", null, "from-env", "SCRAM-SHA-512"))
                .contains("org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"failover-coordinator\" password=\"from-env\";");
    }

    @Test
    void noUserMeansNoLogin() {
        assertThat(jaas(null, null, null, null)).isEmpty();
        assertThat(jaas(" ", null, "ignored", null)).isEmpty();
    }

    @Test
    void incompleteOrContradictorySettingsNameTheProperty() {
        assertThatThrownBy(() -> jaas(null, "/secrets/fc.password", null, null))
                .hasMessageContaining("pgha.kafka.password-file is set but pgha.kafka.username is not");
        assertThatThrownBy(() -> jaas("fc", null, null, null))
                .hasMessageContaining("pgha.kafka.username=fc needs a password")
                .hasMessageContaining("PGHA_KAFKA_PASSWORD");
        assertThatThrownBy(() -> jaas("fc", "/secrets/fc.password", "x", null)).hasMessageContaining("keep one");
        assertThatThrownBy(() -> jaas("fc", "/secrets/empty", null, null)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> jaas("fc", null, "a\"b", null)).hasMessageContaining("a quote");
        assertThatThrownBy(() -> jaas("f c", null, "p", null)).hasMessageContaining("pgha.kafka.username='f c'");
        assertThatThrownBy(() -> jaas("fc", null, "p", "PLAIN"))
                .hasMessageContaining("kafka.sasl.mechanism=PLAIN is not supported");
    }

    @Test
    void theMessageNeverCarriesThePassword() {
        assertThatThrownBy(() -> jaas("f c", null, "topsecret", null)).message().doesNotContain("topsecret");
    }

    private static Optional<String> jaas(String user, String file, String env, String mechanism) {
        return KafkaCredentials.jaasConfig(
                Optional.ofNullable(user),
                Optional.ofNullable(file),
                Optional.ofNullable(env),
                Optional.ofNullable(mechanism),
                FILES);
    }
}
