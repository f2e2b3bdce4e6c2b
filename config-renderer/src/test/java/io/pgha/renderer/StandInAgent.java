package io.pgha.renderer;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pgha.local.Certificates;
import io.pgha.local.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Stands in for a member's node-agent: answers HAProxy's health checks {@code /primary} and
 * {@code /replica} with 200 or 503 as the test decides (any method, OPTIONS included).
 */
final class StandInAgent implements AutoCloseable {
    /** What the agent says its member is. */
    enum Role {
        PRIMARY,
        REPLICA,
        /** Neither: 503 on both (stopped, fenced). */
        NONE
    }

    private final HttpServer server;
    private final boolean https;
    private volatile Role role;

    StandInAgent(Role role) {
        this(role, null);
    }

    /** A stand-in that speaks HTTPS with {@code certificate} (plain HTTP when null), as an agent with TLS on. */
    StandInAgent(Role role, Certificates.Issued certificate) {
        this.role = role;
        this.https = certificate != null;
        try {
            InetSocketAddress address = new InetSocketAddress(Ports.LOOPBACK, Ports.free());
            if (certificate == null) {
                server = HttpServer.create(address, 16);
            } else {
                HttpsServer tls = HttpsServer.create(address, 16);
                tls.setHttpsConfigurator(new HttpsConfigurator(serverContext(certificate)));
                server = tls;
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not start a stand-in agent", e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Role now = this.role;
            int status =
                    path.equals("/primary") && now == Role.PRIMARY || path.equals("/replica") && now == Role.REPLICA
                            ? 200
                            : 503;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    void role(Role role) {
        this.role = role;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The member's {@code api_url}, Patroni style. */
    String apiUrl() {
        return (https ? "https://" : "http://") + Ports.LOOPBACK + ":" + port() + "/patroni";
    }

    /** A server-side TLS context with the PEM certificate and PKCS#8 EC key of {@code certificate}. */
    private static SSLContext serverContext(Certificates.Issued certificate)
            throws IOException, GeneralSecurityException {
        String pem = Files.readString(certificate.key());
        byte[] der = Base64.getMimeDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        Certificate[] chain;
        try (InputStream in = Files.newInputStream(certificate.cert())) {
            chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)
                    .toArray(new Certificate[0]);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "stand-in".toCharArray();
        store.setKeyEntry("agent", key, password, chain);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
