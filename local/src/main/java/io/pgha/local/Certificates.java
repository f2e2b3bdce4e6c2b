package io.pgha.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A local certificate authority and the certificates it issues, made with {@code openssl}: what {@code
 * ./pgha up} and the ITs give etcd, Kafka, PostgreSQL and the services when they run with TLS.
 *
 * <p>Keys are EC P-256 in PKCS#8 PEM (read by PostgreSQL, etcd, netty/jetcd, Kafka's PEM key stores and
 * Quarkus' TLS registry), mode 600. Every issued certificate is good for both server and client
 * authentication, names {@code localhost} and the given loopback addresses, and carries {@code name} as
 * its common name (the principal etcd, Kafka and PostgreSQL see for a client certificate).
 */
public final class Certificates {
    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final String DAYS = "3650";

    private final Path dir;
    private final Path openssl;
    private final Path caCert;
    private final Path caKey;

    private Certificates(Path dir, Path openssl) {
        this.dir = dir;
        this.openssl = openssl;
        this.caCert = dir.resolve("ca.crt");
        this.caKey = dir.resolve("ca.key");
    }

    /** A certificate and its key, and the authority's certificate that verifies it. */
    public record Issued(String name, Path cert, Path key, Path ca) {}

    /**
     * The authority kept in {@code dir}: made there (named {@code pgha local CA}) unless {@code dir}
     * already has one, so a persistent {@code ./pgha up} keeps its certificates across restarts.
     */
    public static Certificates authorityIn(Path dir) {
        Certificates ca = new Certificates(dir, Commands.require("openssl", "openssl"));
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the certificate folder " + dir, e);
        }
        if (!Files.exists(ca.caCert) || !Files.exists(ca.caKey)) {
            ca.run(List.of(
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-keyout",
                    ca.caKey.toString(),
                    "-out",
                    ca.caCert.toString(),
                    "-days",
                    DAYS,
                    "-subj",
                    "/CN=pgha local CA"));
            ca.restrict(ca.caKey);
        }
        return ca;
    }

    public Path dir() {
        return dir;
    }

    /** The authority's certificate: what every party trusts. */
    public Path caCert() {
        return caCert;
    }

    /**
     * The certificate for {@code name} (its common name: a service, member or user name), issued now
     * unless one is already in the folder; valid for {@code localhost} and {@code ips}.
     *
     * @throws IllegalArgumentException when {@code name} is not a plain name (it becomes a file name)
     */
    public Issued issue(String name, List<String> ips) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("certificate name '" + name
                    + "' must be letters, digits, '.', '_' or '-' (at most 63), starting with a letter or digit");
        }
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Issued issued = new Issued(name, cert, key, caCert);
        if (Files.exists(cert) && Files.exists(key)) {
            return issued;
        }
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        List<String> alt = new ArrayList<>(List.of("DNS:localhost"));
        ips.forEach(ip -> alt.add("IP:" + ip));
        try {
            Files.writeString(
                    ext,
                    "basicConstraints=CA:FALSE\n"
                            + "keyUsage=digitalSignature,keyEncipherment\n"
                            + "extendedKeyUsage=serverAuth,clientAuth\n"
                            + "subjectAltName="
                            + String.join(",", alt)
                            + "\n");
            run(List.of(
                    "req",
                    "-new",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-keyout",
                    key.toString(),
                    "-out",
                    csr.toString(),
                    "-subj",
                    "/CN=" + name));
            restrict(key);
            run(List.of(
                    "x509",
                    "-req",
                    "-in",
                    csr.toString(),
                    "-CA",
                    caCert.toString(),
                    "-CAkey",
                    caKey.toString(),
                    "-CAcreateserial",
                    "-out",
                    cert.toString(),
                    "-days",
                    DAYS,
                    "-extfile",
                    ext.toString()));
            Files.deleteIfExists(csr);
            Files.deleteIfExists(ext);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot issue the certificate for " + name + " in " + dir, e);
        }
        return issued;
    }

    private void run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(openssl.toString());
        command.addAll(args);
        Commands.run(command, OPENSSL_TIMEOUT).orThrow();
    }

    private void restrict(Path key) {
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + key + " readable by its owner only", e);
        }
    }
}
