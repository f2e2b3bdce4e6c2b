package io.pgha.monitor.probe;

import io.pgha.core.tls.AgentApiTrust;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.nio.file.Path;
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
        caFile.ifPresent(file -> AgentApiTrust.requireCaFile(file, PROPERTY));
    }
}
