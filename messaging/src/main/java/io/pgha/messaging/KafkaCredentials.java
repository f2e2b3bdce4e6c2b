package io.pgha.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a pgha service logs in to a secured Kafka: the user name in {@value #USERNAME} and the password
 * from the file in {@value #PASSWORD_FILE} (or the environment variable {@value #PASSWORD_ENV}), never
 * from application.properties or argv. {@link #jaasConfig} turns them into the {@code sasl.jaas.config}
 * that {@link KafkaCredentialsConfigSourceFactory} sets as {@code kafka.sasl.jaas.config}, which
 * SmallRye gives every producer, consumer, dead-letter producer and admin client of the service.
 */
public final class KafkaCredentials {
    /** The SCRAM user (the service kind, e.g. {@code failover-coordinator}). */
    public static final String USERNAME = "pgha.kafka.username";
    /** A file holding only the password (mode 600); read at start. */
    public static final String PASSWORD_FILE = "pgha.kafka.password-file";
    /** The environment variable that may hold the password instead of a file. */
    public static final String PASSWORD_ENV = "PGHA_KAFKA_PASSWORD";
    /** The SASL mechanism, as Kafka's {@code kafka.sasl.mechanism}. */
    public static final String MECHANISM = "kafka.sasl.mechanism";

    private KafkaCredentials() {}

    /**
     * The {@code sasl.jaas.config} for these settings; empty when no user name is set (plaintext or
     * a login configured some other way).
     *
     * @param username {@value #USERNAME}
     * @param passwordFile {@value #PASSWORD_FILE}
     * @param passwordEnv the value of {@value #PASSWORD_ENV}
     * @param mechanism {@value #MECHANISM} (SCRAM-SHA-512 when not set)
     * @param read reads a file whole
     * @throws IllegalArgumentException naming the property and what to do, when the settings are incomplete,
     *     contradictory or the password cannot be used
     */
    public static Optional<String> jaasConfig(
            Optional<String> username,
            Optional<String> passwordFile,
            Optional<String> passwordEnv,
            Optional<String> mechanism,
            Function<Path, String> read) {
        Optional<String> user = username.map(String::trim).filter(u -> !u.isEmpty());
        Optional<String> file = passwordFile.map(String::trim).filter(f -> !f.isEmpty());
        Optional<String> env = passwordEnv.filter(p -> !p.isEmpty());
        if (user.isEmpty()) {
            if (file.isPresent()) {
                throw new IllegalArgumentException(PASSWORD_FILE + " is set but " + USERNAME + " is not: set "
                        + USERNAME + " to the Kafka user (the service kind, e.g. failover-coordinator)");
            }
            return Optional.empty();
        }
        if (file.isPresent() && env.isPresent()) {
            throw new IllegalArgumentException("both " + PASSWORD_FILE + " and the environment variable " + PASSWORD_ENV
                    + " give the Kafka password of " + user.get() + ": keep one");
        }
        if (file.isEmpty() && env.isEmpty()) {
            throw new IllegalArgumentException(USERNAME + "=" + user.get() + " needs a password: set " + PASSWORD_FILE
                    + " to a file (mode 600) holding it, or the environment variable " + PASSWORD_ENV);
        }
        String password = file.map(f -> read.apply(Path.of(f)).trim()).orElseGet(env::get);
        String where =
                file.map(f -> "the file " + f + " (" + PASSWORD_FILE + ")").orElse(PASSWORD_ENV);
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the Kafka password in " + where + " is empty");
        }
        if (password.contains("\"") || password.contains("\\") || password.contains("\n")) {
            throw new IllegalArgumentException("the Kafka password in " + where
                    + " contains a quote, a backslash or a line break, which a JAAS line cannot carry: choose another");
        }
        if (!user.get().matches("[A-Za-z0-9._@-]+")) {
            throw new IllegalArgumentException(
                    USERNAME + "='" + user.get() + "' must be letters, digits and . _ @ - only");
        }
        String chosen = mechanism.map(String::trim).filter(m -> !m.isEmpty()).orElse("SCRAM-SHA-512");
        if (!chosen.startsWith("SCRAM-SHA-")) {
            throw new IllegalArgumentException(MECHANISM + "=" + chosen + " is not supported with " + USERNAME
                    + ": use SCRAM-SHA-512 (or configure kafka.sasl.jaas.config yourself)");
        }
        return Optional.of("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user.get()
                + "\" password=\"" + password + "\";");
    }

    /** Reads {@code file} whole (UTF-8), saying which property named it when it cannot. */
    static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the Kafka password file " + file + " (" + PASSWORD_FILE + "): " + e, e);
        }
    }
}
