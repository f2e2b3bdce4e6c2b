package io.pgha.ctl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The CA pghactl trusts for {@code https} URLs (coordinators, agents, backup-service, alert-service):
 * {@code --cacert}, else {@code $PGHA_CACERT}, else the config file's {@code cacert}, else (no config
 * file) the checkout's {@code ./pgha up} CA; none: the JVM's trust store. (The services use {@code io.pgha.core.tls.AgentApiTrust}; pghactl does not depend on
 * core, to stay a small, fast-starting jar.)
 *
 * @param file the PEM file of CA certificates
 * @param source where it was named, for errors
 */
public record CaCert(Path file, String source) {
    public static final String ENV = "PGHA_CACERT";

    /** The CA to trust, from the first place that names one (pure); no checkout. */
    public static Optional<CaCert> resolve(Optional<Path> flag, Map<String, String> env, Optional<CtlConfig> config) {
        return resolve(flag, env, config, Optional.empty());
    }

    /**
     * The CA to trust, from the first place that names one (pure): {@code --cacert}, {@code $PGHA_CACERT},
     * the config file's {@code cacert}, else, when there is no config file, the CA of the checkout's
     * {@code ./pgha up} suite ({@code .pgha/state.properties}: {@code tls.ca}), so that {@code pghactl list}
     * needs no flag against it (as the cluster and the token come from there too).
     */
    public static Optional<CaCert> resolve(
            Optional<Path> flag,
            Map<String, String> env,
            Optional<CtlConfig> config,
            Optional<Connection.LocalCheckout> local) {
        if (config.isEmpty() && flag.isEmpty() && isBlank(env.get(ENV))) {
            return local.flatMap(
                    l -> l.caFile().map(ca -> new CaCert(ca, l.home().resolve("state.properties") + " (./pgha up)")));
        }
        if (flag.isPresent()) {
            return Optional.of(new CaCert(flag.get(), "--cacert"));
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new CaCert(Path.of(fromEnv.strip()), ENV));
        }
        return config.flatMap(c -> c.cacert().map(p -> new CaCert(Path.of(p), c.file() + " (cacert)")));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** An SSL context trusting exactly the certificates in {@link #file}; a usage error naming the source. */
    public SSLContext sslContext() {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw CtlException.usage("the CA file " + file + " (from " + source + ") is not a readable file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw CtlException.usage("the CA file " + file + " (from " + source + ") holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw CtlException.usage(
                    "the CA file " + file + " (from " + source + ") is not a PEM certificate file: " + e.getMessage());
        }
    }
}
