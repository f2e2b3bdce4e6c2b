package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificatesTest {
    @TempDir
    Path dir;

    @Test
    void anIssuedCertificateIsVerifiedByTheAuthorityAndNamesItsAddresses() throws Exception {
        Certificates ca = Certificates.authorityIn(dir.resolve("tls"));
        Certificates.Issued agent = ca.issue("node-1", List.of("127.0.0.1", "127.0.1.5"));

        assertThat(Commands.run(
                                List.of(
                                        "openssl",
                                        "verify",
                                        "-CAfile",
                                        ca.caCert().toString(),
                                        agent.cert().toString()),
                                Duration.ofSeconds(30))
                        .orThrow()
                        .output())
                .contains(": OK");
        X509Certificate cert = read(agent.cert());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=node-1");
        assertThat(cert.getSubjectAlternativeNames().stream().map(name -> (String) name.get(1)))
                .containsExactlyInAnyOrder("localhost", "127.0.0.1", "127.0.1.5");
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(Files.getPosixFilePermissions(agent.key())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("tls/ca.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String pem = Files.readString(agent.key());
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----"); // PKCS#8, what Java and Kafka read
        byte[] der = Base64.getMimeDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
        assertThat(KeyFactory.getInstance("EC")
                        .generatePrivate(new PKCS8EncodedKeySpec(der))
                        .getAlgorithm())
                .isEqualTo("EC");
    }

    @Test
    void anAuthorityInAFolderThatHasOneIsKeptWithItsCertificates() throws Exception {
        Certificates first = Certificates.authorityIn(dir);
        Certificates.Issued before = first.issue("coordinator-0", List.of("127.0.0.1"));
        byte[] caBefore = Files.readAllBytes(first.caCert());
        byte[] certBefore = Files.readAllBytes(before.cert());

        Certificates again = Certificates.authorityIn(dir);
        Certificates.Issued after = again.issue("coordinator-0", List.of("127.0.0.1"));

        assertThat(Files.readAllBytes(again.caCert())).isEqualTo(caBefore);
        assertThat(Files.readAllBytes(after.cert())).isEqualTo(certBefore);
    }

    @Test
    void aNameThatIsNotAPlainFileNameIsRefused() {
        Certificates ca = Certificates.authorityIn(dir);
        assertThatThrownBy(() -> ca.issue("../etc/passwd", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../etc/passwd'")
                .hasMessageContaining("letters, digits");
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
