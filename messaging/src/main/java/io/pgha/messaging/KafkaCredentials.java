package io.pgha.messaging;

import java.util.Optional;

/**
 * How a pgha service logs in to a secured Kafka: the user name in {@value #USERNAME} and the password
 * in {@value #PASSWORD} (a value, the environment variable {@code PGHA_KAFKA_PASSWORD}) or the file in
 * {@value #PASSWORD_FILE}, read through {@code core/SecretSetting} like every other secret.
 * {@link #jaasConfig} turns them into the {@code sasl.jaas.config} that
 * {@link KafkaCredentialsConfigSourceFactory} sets as {@code kafka.sasl.jaas.config}, which SmallRye
 * gives every producer, consumer, dead-letter producer and admin client of the service.
 */
public final class KafkaCredentials {
    /** The SCRAM user (the service kind, e.g. {@code failover-coordinator}). */
    public static final String USERNAME = "pgha.kafka.username";
    /** The password (environment: {@code PGHA_KAFKA_PASSWORD}); {@value #PASSWORD_FILE} instead is better. */
    public static final String PASSWORD = "pgha.kafka.password";
    /** A file (mode 600) whose first line is the password; read at start. */
    public static final String PASSWORD_FILE = PASSWORD + "-file";
    /** The SASL mechanism, as Kafka's {@code kafka.sasl.mechanism}. */
    public static final String MECHANISM = "kafka.sasl.mechanism";

    private KafkaCredentials() {}

    /**
     * The {@code sasl.jaas.config} for these settings; empty when no user name is set (plaintext, or
     * a login configured some other way).
     *
     * @param username {@value #USERNAME}
     * @param password the password as resolved from {@value #PASSWORD} / {@value #PASSWORD_FILE}
     * @param mechanism {@value #MECHANISM} (SCRAM-SHA-512 when not set)
     * @throws IllegalArgumentException naming the property and what to do, when the settings are
     *     incomplete or the password cannot be used (never showing the password)
     */
    public static Optional<String> jaasConfig(
            Optional<String> username, Optional<String> password, Optional<String> mechanism) {
        Optional<String> user = username.map(String::trim).filter(u -> !u.isEmpty());
        if (user.isEmpty()) {
            if (password.isPresent()) {
                throw new IllegalArgumentException(
                        PASSWORD + " (or " + PASSWORD_FILE + ") is set but " + USERNAME + " is not: set " + USERNAME
                                + " to the Kafka user (the service kind, e.g. failover-coordinator)");
            }
            return Optional.empty();
        }
        if (!user.get().matches("[A-Za-z0-9._@-]+")) {
            throw new IllegalArgumentException(
                    USERNAME + "='" + user.get() + "' must be letters, digits and . _ @ - only");
        }
        if (password.isEmpty() || password.get().isBlank()) {
            throw new IllegalArgumentException(USERNAME + "=" + user.get() + " needs a password: set " + PASSWORD_FILE
                    + " to a file (mode 600) holding it, or the environment variable PGHA_KAFKA_PASSWORD");
        }
        if (password.get().contains("\"") || password.get().contains("\\")) {
            throw new IllegalArgumentException("the Kafka password (" + PASSWORD + "/" + PASSWORD_FILE
                    + ") contains a quote or a backslash, which a JAAS line cannot carry: choose another");
        }
        String chosen = mechanism.map(String::trim).filter(m -> !m.isEmpty()).orElse("SCRAM-SHA-512");
        if (!chosen.startsWith("SCRAM-SHA-")) {
            throw new IllegalArgumentException(MECHANISM + "=" + chosen + " is not supported with " + USERNAME
                    + ": use SCRAM-SHA-512 (or configure kafka.sasl.jaas.config yourself)");
        }
        return Optional.of("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user.get()
                + "\" password=\"" + password.get() + "\";");
    }
}
