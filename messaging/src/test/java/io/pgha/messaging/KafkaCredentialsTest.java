package io.pgha.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaCredentialsTest {
    @Test
    void aUserAndAPasswordMakeAScramLogin() {
        assertThat(jaas("failover-coordinator", "s3cret-Value_1", null))
                .contains("org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"failover-coordinator\" password=\"s3cret-Value_1\";");
        assertThat(jaas("health-monitor", "p", "SCRAM-SHA-512"))
                .get()
                .asString()
                .contains("username=\"health-monitor\"");
    }

    @Test
    void noUserMeansNoLogin() {
        assertThat(jaas(null, null, null)).isEmpty();
        assertThat(jaas(" ", null, null)).isEmpty();
    }

    @Test
    void incompleteSettingsNameTheProperty() {
        assertThatThrownBy(() -> jaas(null, "p", null))
                .hasMessageContaining(
                        "pgha.kafka.password (or pgha.kafka.password-file) is set but pgha.kafka.username" + " is not");
        assertThatThrownBy(() -> jaas("fc", null, null))
                .hasMessageContaining("pgha.kafka.username=fc needs a password")
                .hasMessageContaining("pgha.kafka.password-file")
                .hasMessageContaining("PGHA_KAFKA_PASSWORD");
        assertThatThrownBy(() -> jaas("f c", "p", null)).hasMessageContaining("pgha.kafka.username='f c'");
        assertThatThrownBy(() -> jaas("fc", "p", "PLAIN"))
                .hasMessageContaining("kafka.sasl.mechanism=PLAIN is not supported");
    }

    @Test
    void aPasswordAJaasLineCannotCarryIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> jaas("fc", "top\"secret", null))
                .hasMessageContaining("a quote or a backslash")
                .message()
                .doesNotContain("top\"secret");
    }

    private static Optional<String> jaas(String user, String password, String mechanism) {
        return KafkaCredentials.jaasConfig(
                Optional.ofNullable(user), Optional.ofNullable(password), Optional.ofNullable(mechanism));
    }
}
