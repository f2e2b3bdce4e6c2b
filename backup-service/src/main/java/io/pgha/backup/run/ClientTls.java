package io.pgha.backup.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
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
        caFile.ifPresent(file -> {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(
                        PROPERTY + " " + file
                                + " does not exist or is not a file: point it at the CA of the members' PostgreSQL certificates");
            }
            try (InputStream in = Files.newInputStream(file)) {
                CertificateFactory.getInstance("X.509").generateCertificate(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(PROPERTY + " " + file + " cannot be read ("
                        + e.getClass().getSimpleName() + "): make it readable by backup-service's user");
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        PROPERTY + " " + file + " is not a PEM X.509 certificate: give the CA certificate in PEM");
            }
        });
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
