package io.pgha.monitor.probe;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

/**
 * PostgreSQL TLS for the probes ({@code pgha.health-monitor.postgres-ca-file}): with a CA, every probe
 * connects with {@code sslmode=verify-full}, so the monitoring password goes only to a server whose
 * certificate, signed by that CA, names the host in the member's {@code conn_url}.
 */
public final class ProbeTls {
    static final String PROPERTY = "pgha.health-monitor.postgres-ca-file";

    private ProbeTls() {}

    /** {@code options} verifying the server against {@code caFile} when one is set; unchanged otherwise. */
    public static PgConnectOptions apply(PgConnectOptions options, Optional<Path> caFile) {
        if (caFile.isEmpty()) {
            return options;
        }
        options.setSslMode(SslMode.VERIFY_FULL)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setPemTrustOptions(
                        new PemTrustOptions().addCertPath(caFile.get().toString()));
        return options;
    }

    /** Fails at start, naming the property, when the CA file is set but missing, unreadable or not PEM. */
    public static void check(Optional<Path> caFile) {
        if (caFile.isEmpty()) {
            return;
        }
        Path file = caFile.get();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(
                    PROPERTY + " " + file + " does not exist or is not a file: point it at the CA that signed"
                            + " the PostgreSQL members' certificates (PEM)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new IllegalStateException(PROPERTY + " " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + "): make it readable by the health-monitor's user");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    PROPERTY + " " + file + " is not a PEM X.509 certificate: give the CA certificate in PEM");
        }
    }
}
