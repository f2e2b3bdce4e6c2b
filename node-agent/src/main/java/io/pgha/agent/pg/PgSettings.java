package io.pgha.agent.pg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything LocalPostgres needs to know; secrets are never logged. The three passwords are
 * required unless {@code allowTrust} ({@code pgha.postgres.allow-trust}) is set. With {@code tls},
 * PostgreSQL serves TLS and refuses TCP connections without it, and the agent connects with
 * {@code sslmode=verify-full}.
 */
public record PgSettings(
        String member,
        Path dataDir,
        Path binDir,
        String listenHost,
        int port,
        String allowedCidr,
        boolean fsync,
        Map<String, String> parameters,
        String superuser,
        Optional<String> superuserPassword,
        String replicationUser,
        Optional<String> replicationPassword,
        String monitoringUser,
        Optional<String> monitoringPassword,
        boolean allowTrust,
        Duration stopTimeout,
        Duration sqlTimeout,
        String poolerUser,
        Optional<String> poolerPassword,
        Optional<PgTls> tls) {
    /** Settings without TLS ({@code pgha.postgres.tls.*} not set). */
    public PgSettings(
            String member,
            Path dataDir,
            Path binDir,
            String listenHost,
            int port,
            String allowedCidr,
            boolean fsync,
            Map<String, String> parameters,
            String superuser,
            Optional<String> superuserPassword,
            String replicationUser,
            Optional<String> replicationPassword,
            String monitoringUser,
            Optional<String> monitoringPassword,
            boolean allowTrust,
            Duration stopTimeout,
            Duration sqlTimeout,
            String poolerUser,
            Optional<String> poolerPassword) {
        this(
                member,
                dataDir,
                binDir,
                listenHost,
                port,
                allowedCidr,
                fsync,
                parameters,
                superuser,
                superuserPassword,
                replicationUser,
                replicationPassword,
                monitoringUser,
                monitoringPassword,
                allowTrust,
                stopTimeout,
                sqlTimeout,
                poolerUser,
                poolerPassword,
                Optional.empty());
    }

    /** Whether all three passwords are set (then every TCP connection authenticates with SCRAM). */
    boolean passwords() {
        return missingPasswords().isEmpty();
    }

    /** The properties of the passwords that are not set. */
    List<String> missingPasswords() {
        List<String> missing = new ArrayList<>();
        if (superuserPassword.isEmpty()) {
            missing.add("pgha.postgres.superuser.password");
        }
        if (replicationPassword.isEmpty()) {
            missing.add("pgha.postgres.replication.password");
        }
        if (monitoringPassword.isEmpty()) {
            missing.add("pgha.postgres.monitoring.password");
        }
        return missing;
    }

    /**
     * How pg_hba.conf authenticates TCP connections: {@code scram-sha-256} with all three
     * passwords, {@code trust} only when opted in; otherwise an exception naming the properties.
     */
    String hostAuthMethod() {
        List<String> missing = missingPasswords();
        if (missing.isEmpty()) {
            return "scram-sha-256";
        }
        if (allowTrust) {
            return "trust";
        }
        throw new IllegalArgumentException("no password set for " + String.join(", ", missing)
                + " (each also as a -file property, or PGHA_POSTGRES_..._PASSWORD in the environment): set"
                + " all three, or set pgha.postgres.allow-trust=true to let anyone from"
                + " pgha.postgres.allowed-cidr connect without a password (tests only)");
    }
}
