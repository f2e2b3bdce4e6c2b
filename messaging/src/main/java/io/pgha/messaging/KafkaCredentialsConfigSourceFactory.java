package io.pgha.messaging;

import io.pgha.core.SecretSetting;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Sets {@code kafka.sasl.jaas.config} from {@value KafkaCredentials#USERNAME} and the password
 * ({@link KafkaCredentials}) at start, so every Kafka client the service makes logs in the same way.
 * Registered through {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}. Its ordinal
 * ({@value #ORDINAL}) is below the environment and system properties: a {@code KAFKA_SASL_JAAS_CONFIG}
 * set there still wins.
 */
public class KafkaCredentialsConfigSourceFactory implements ConfigSourceFactory {
    static final int ORDINAL = 275;
    static final String JAAS = "kafka.sasl.jaas.config";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Optional<String> username = value(context, KafkaCredentials.USERNAME);
        if (username.isEmpty() && value(context, KafkaCredentials.PASSWORD_FILE).isEmpty()) {
            return List.of();
        }
        Optional<String> password = SecretSetting.resolve(
                KafkaCredentials.PASSWORD,
                value(context, KafkaCredentials.PASSWORD),
                value(context, KafkaCredentials.PASSWORD_FILE).map(Path::of));
        Optional<String> jaas =
                KafkaCredentials.jaasConfig(username, password, value(context, KafkaCredentials.MECHANISM));
        if (jaas.isEmpty()) {
            return List.of();
        }
        return List.of(new MapBackedConfigSource("pgha-kafka-credentials", Map.of(JAAS, jaas.get()), ORDINAL) {});
    }

    private static Optional<String> value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null
                ? Optional.empty()
                : Optional.ofNullable(value.getValue()).filter(v -> !v.isBlank());
    }
}
