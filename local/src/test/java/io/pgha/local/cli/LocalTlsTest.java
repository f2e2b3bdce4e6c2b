package io.pgha.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalTlsTest {
    @Test
    void psqlHintsVerifyTheServerAgainstTheCaWhenTlsIsOn() {
        assertThat(LocalTls.psqlEnvironment(Optional.of(Path.of("/h/.pgha/tls/ca.crt"))))
                .isEqualTo("PGSSLMODE=verify-full PGSSLROOTCERT=/h/.pgha/tls/ca.crt ");
    }

    @Test
    void psqlHintsAddNothingWhenInsecure() {
        assertThat(LocalTls.psqlEnvironment(Optional.empty())).isEmpty();
    }

    @Test
    void theSummaryNamesTheCertificatesFolderOrSaysEverythingIsPlaintext() {
        assertThat(LocalTls.summary(Optional.of(Path.of("/h/.pgha/tls"))))
                .contains("/h/.pgha/tls", "mode 600", "verify-full", "/h/.pgha/tls/ca.crt", "REST API https only")
                .doesNotContain("plain http");
        assertThat(LocalTls.summary(Optional.empty())).contains("--insecure", "plaintext");
    }
}
