package io.pgha.backup.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.local.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTlsTest {
    @TempDir
    Path temp;

    @Test
    void withACaToolsAndJdbcVerifyTheServerAndItsName() {
        Path ca = Certificates.authorityIn(temp.resolve("ca")).caCert();
        ClientTls tls = ClientTls.checked(Optional.of(ca));
        assertThat(tls.env()).containsEntry("PGSSLMODE", "verify-full").containsEntry("PGSSLROOTCERT", ca.toString());
        Properties p = new Properties();
        tls.addTo(p);
        assertThat(p).containsEntry("sslmode", "verify-full").containsEntry("sslrootcert", ca.toString());
    }

    @Test
    void withoutACaNothingIsAdded() {
        Properties p = new Properties();
        ClientTls.none().addTo(p);
        assertThat(p).isEmpty();
        assertThat(ClientTls.checked(Optional.empty()).env()).isEmpty();
    }

    @Test
    void aMissingOrBrokenCaIsRefusedNamingTheProperty() throws Exception {
        assertThatThrownBy(() -> ClientTls.checked(Optional.of(temp.resolve("none.crt"))))
                .hasMessageContaining("pgha.postgres.tls.ca-file")
                .hasMessageContaining("does not exist");
        Path junk = Files.writeString(temp.resolve("junk.crt"), "junk\n");
        assertThatThrownBy(() -> ClientTls.checked(Optional.of(junk)))
                .hasMessageContaining("pgha.postgres.tls.ca-file")
                .hasMessageContaining("not a PEM X.509 certificate");
    }
}
