package io.pgha.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificate authorities a caller of pgha's REST APIs trusts: the PEM file named by {@value
 * #PROPERTY} (one or more certificates), else the JVM's default trust store. Every service that calls
 * an agent's {@code api_url} (coordinator, node-agent's own archive commands, the local tools) uses this
 * one property name, so one file is given to all of them.
 */
public final class AgentApiTrust {
    /** The property (and its meaning) every service uses for the CA that verifies agents' certificates. */
    public static final String PROPERTY = "pgha.agent-api.ca-file";

    private AgentApiTrust() {}

    /**
     * An SSL context that trusts exactly the certificates in {@code caFile}; the JVM's default when
     * absent.
     *
     * @param property the setting that named the file (put into every error)
     * @throws IllegalArgumentException naming {@code property} when the file is missing, unreadable or
     *     holds no PEM certificate
     */
    public static SSLContext sslContext(Optional<Path> caFile, String property) {
        try {
            if (caFile.isEmpty()) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(caFile.get(), property).getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for " + property + ": " + e.getMessage(), e);
        }
    }

    /** The trust manager factory over the certificates in {@code caFile}. */
    public static TrustManagerFactory trustManagers(Path caFile, String property) {
        Collection<? extends Certificate> certificates = read(caFile, property);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(
                    "cannot trust the certificates of " + property + "=" + caFile + ": " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> read(Path caFile, String property) {
        if (!Files.isRegularFile(caFile) || !Files.isReadable(caFile)) {
            throw new IllegalArgumentException(property + "=" + caFile
                    + " is not a readable file: give the PEM file of the CA that signed the agents' certificates");
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(property + "=" + caFile
                        + " holds no certificate: give a PEM file with '-----BEGIN CERTIFICATE-----' blocks");
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    property + "=" + caFile
                            + " is not a PEM certificate file (" + e.getMessage()
                            + "): give the PEM file of the CA that signed the agents' certificates",
                    e);
        }
    }
}
