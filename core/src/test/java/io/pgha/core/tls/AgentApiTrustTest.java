package io.pgha.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentApiTrustTest {
    @TempDir
    Path dir;

    @Test
    void noFileMeansTheJvmDefault() throws Exception {
        assertThat(AgentApiTrust.sslContext(Optional.empty(), AgentApiTrust.PROPERTY))
                .isSameAs(javax.net.ssl.SSLContext.getDefault());
    }

    @Test
    void aMissingFileNamesTheProperty() {
        Path missing = dir.resolve("nope.crt");
        assertThatThrownBy(() -> AgentApiTrust.sslContext(Optional.of(missing), AgentApiTrust.PROPERTY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.agent-api.ca-file=" + missing)
                .hasMessageContaining("not a readable file");
    }

    @Test
    void aFileWithoutCertificatesNamesTheProperty() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.crt"), "not a certificate\n");
        assertThatThrownBy(() -> AgentApiTrust.sslContext(Optional.of(junk), "--cacert"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--cacert=" + junk);
    }
}
