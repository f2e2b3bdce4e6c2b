package io.pgha.backup.run;

import io.pgha.core.tls.AgentApiTrust;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * How backup-service connects to members when their PostgreSQL serves TLS ({@code
 * pgha.postgres.tls.ca-file}, the node-agent's property): pg_basebackup, pg_dump and its JDBC connections
 * use {@code sslmode=verify-full} against that CA; without it, libpq's and pgjdbc's defaults as before.
 */
public record ClientTls(Optional<Path> caFile) {
    static final String PROPERTY = "pgha.postgres.tls.ca-file";

    /** No CA: the clients' defaults. */
    public static ClientTls none() {
        return new ClientTls(Optional.empty());
    }

    /** The CA, checked at start: a missing, unreadable or non-PEM file is refused naming the property. */
    public static ClientTls checked(Optional<Path> caFile) {
        caFile.ifPresent(file -> AgentApiTrust.requireCaFile(file, PROPERTY));
        return new ClientTls(caFile);
    }

    /** libpq's environment for a tool (pg_basebackup, pg_dump): verify the server and its name. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        caFile.ifPresent(ca -> {
            env.put("PGSSLMODE", "verify-full");
            env.put("PGSSLROOTCERT", ca.toString());
        });
        return env;
    }

    /** The same for a pgjdbc connection. */
    void addTo(Properties properties) {
        caFile.ifPresent(ca -> {
            properties.setProperty("sslmode", "verify-full");
            properties.setProperty("sslrootcert", ca.toString());
        });
    }
}
