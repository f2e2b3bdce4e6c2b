package io.pgha.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdAccessTest {
    private static final List<String> HTTPS = List.of("https://127.0.0.1:2379", "https://127.0.0.1:2380");
    private static final List<String> HTTP = List.of("http://127.0.0.1:2379");

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static EtcdAccess of(
            List<String> endpoints,
            Path ca,
            Path cert,
            Path key,
            String user,
            Path passwordFile,
            Map<String, String> env) {
        return EtcdAccess.of(
                endpoints,
                Optional.ofNullable(ca),
                Optional.ofNullable(cert),
                Optional.ofNullable(key),
                Optional.ofNullable(user),
                Optional.ofNullable(passwordFile),
                env);
    }

    @Test
    void plainHttpNeedsNothing() {
        EtcdAccess access = of(HTTP, null, null, null, null, null, Map.of());
        assertThat(access.tls()).isEmpty();
        assertThat(access.user()).isEmpty();
        assertThat(access.password()).isEmpty();
    }

    @Test
    void httpsWithCaAndClientCertificate() throws IOException {
        Path ca = file("ca.crt", "x");
        Path cert = file("a.crt", "x");
        Path key = file("a.key", "x");
        EtcdAccess access = of(HTTPS, ca, cert, key, null, null, Map.of());
        assertThat(access.tls()).contains(new EtcdAccess.Tls(ca, Optional.of(cert), Optional.of(key)));
    }

    @Test
    void httpsWithoutCaNamesTheCaProperty() {
        assertThatThrownBy(() -> of(HTTPS, null, null, null, null, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.etcd.tls.ca-file")
                .hasMessageContaining("CA that signed etcd's server certificates");
    }

    @Test
    void tlsFilesWithHttpEndpointsAreRefused() throws IOException {
        Path ca = file("ca.crt", "x");
        assertThatThrownBy(() -> of(HTTP, ca, null, null, null, null, Map.of()))
                .hasMessageContaining("pgha.etcd.tls.ca-file")
                .hasMessageContaining("use https:// endpoints");
    }

    @Test
    void mixedSchemesAndUrlsWithoutSchemeAreRefused() {
        assertThatThrownBy(() -> of(List.of("https://a:1", "http://b:2"), null, null, null, null, null, Map.of()))
                .hasMessageContaining("pgha.etcd.endpoints")
                .hasMessageContaining("use one scheme");
        assertThatThrownBy(() -> of(List.of("a:1"), null, null, null, null, null, Map.of()))
                .hasMessageContaining("pgha.etcd.endpoints")
                .hasMessageContaining("not an http:// or https:// URL");
        assertThatThrownBy(() -> of(List.of(), null, null, null, null, null, Map.of()))
                .hasMessageContaining("pgha.etcd.endpoints");
    }

    @Test
    void certificateWithoutKeyAndKeyWithoutCertificate() throws IOException {
        Path ca = file("ca.crt", "x");
        Path cert = file("a.crt", "x");
        assertThatThrownBy(() -> of(HTTPS, ca, cert, null, null, null, Map.of()))
                .hasMessageContaining("invalid setting pgha.etcd.tls.key-file")
                .hasMessageContaining("needs its private key");
        assertThatThrownBy(() -> of(HTTPS, ca, null, cert, null, null, Map.of()))
                .hasMessageContaining("invalid setting pgha.etcd.tls.cert-file");
    }

    @Test
    void unreadableFilesNameTheirProperty() throws IOException {
        Path ca = file("ca.crt", "x");
        Path cert = file("a.crt", "x");
        Path missing = dir.resolve("missing.key");
        assertThatThrownBy(() -> of(HTTPS, dir.resolve("nope.crt"), null, null, null, null, Map.of()))
                .hasMessageContaining("invalid setting pgha.etcd.tls.ca-file")
                .hasMessageContaining("cannot read");
        assertThatThrownBy(() -> of(HTTPS, ca, cert, missing, null, null, Map.of()))
                .hasMessageContaining("invalid setting pgha.etcd.tls.key-file")
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> of(HTTPS, ca, dir, cert, null, null, Map.of()))
                .hasMessageContaining("invalid setting pgha.etcd.tls.cert-file");
        assertThatThrownBy(() -> of(HTTPS, ca, null, null, "u", dir.resolve("pw"), Map.of()))
                .hasMessageContaining("invalid setting pgha.etcd.password-file");
    }

    @Test
    void passwordFromFileIsReadAgainEachTime() throws IOException {
        Path ca = file("ca.crt", "x");
        Path pw = file("pw", "first\nignored\n");
        EtcdAccess access = of(HTTPS, ca, null, null, "agent", pw, Map.of());
        assertThat(access.password()).contains("first");
        Files.writeString(pw, "rotated\n");
        assertThat(access.password()).contains("rotated");
        assertThat(access.toString()).doesNotContain("rotated").contains("agent");
    }

    @Test
    void passwordFromTheEnvironment() throws IOException {
        Path ca = file("ca.crt", "x");
        EtcdAccess access = of(HTTPS, ca, null, null, "agent", null, Map.of("PGHA_ETCD_PASSWORD", "s3cret"));
        assertThat(access.password()).contains("s3cret");
        assertThat(access.toString()).doesNotContain("s3cret");
    }

    @Test
    void userAndPasswordComeTogether() throws IOException {
        Path ca = file("ca.crt", "x");
        Path pw = file("pw", "p\n");
        assertThatThrownBy(() -> of(HTTPS, ca, null, null, "agent", null, Map.of()))
                .hasMessageContaining("invalid setting pgha.etcd.user")
                .hasMessageContaining("PGHA_ETCD_PASSWORD");
        assertThatThrownBy(() -> of(HTTPS, ca, null, null, null, pw, Map.of()))
                .hasMessageContaining("invalid setting pgha.etcd.user")
                .hasMessageContaining("no user");
        assertThatThrownBy(() -> of(HTTPS, ca, null, null, "agent", pw, Map.of("PGHA_ETCD_PASSWORD", "x")))
                .hasMessageContaining("invalid setting pgha.etcd.password-file")
                .hasMessageContaining("keep one");
        assertThatThrownBy(() -> of(HTTPS, ca, null, null, "agent", file("empty", ""), Map.of()))
                .hasMessageContaining("invalid setting pgha.etcd.password-file")
                .hasMessageContaining("is empty");
    }

    @Test
    void aPasswordIsNeverSentOverPlainHttp() {
        assertThatThrownBy(() -> of(HTTP, null, null, null, "agent", null, Map.of("PGHA_ETCD_PASSWORD", "x")))
                .hasMessageContaining("invalid setting pgha.etcd.user")
                .hasMessageContaining("in clear");
    }
}
