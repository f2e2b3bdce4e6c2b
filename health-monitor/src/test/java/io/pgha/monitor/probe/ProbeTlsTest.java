package io.pgha.monitor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeTlsTest {
    @TempDir
    Path temp;

    @Test
    void withACaEveryProbeVerifiesTheServerAndItsName() {
        PgConnectOptions options = ProbeTls.apply(new PgConnectOptions(), Optional.of(Path.of("/etc/pgha/ca.crt")));
        assertThat(options.getSslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(options.getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(options.getPemTrustOptions().getCertPaths()).containsExactly("/etc/pgha/ca.crt");
    }

    @Test
    void withoutACaNothingChanges() {
        PgConnectOptions options = ProbeTls.apply(new PgConnectOptions(), Optional.empty());
        assertThat(options.getSslMode()).isEqualTo(new PgConnectOptions().getSslMode());
        assertThat(options.getPemTrustOptions()).isNull();
    }

    @Test
    void aMissingOrBrokenCaStopsTheStartNamingTheProperty() throws Exception {
        assertThatThrownBy(() -> ProbeTls.check(Optional.of(temp.resolve("none.crt"))))
                .hasMessageContaining("pgha.health-monitor.postgres-ca-file")
                .hasMessageContaining("does not exist");
        Path junk = Files.writeString(temp.resolve("junk.crt"), "junk\n");
        assertThatThrownBy(() -> ProbeTls.check(Optional.of(junk)))
                .hasMessageContaining("pgha.health-monitor.postgres-ca-file")
                .hasMessageContaining("not a PEM X.509 certificate");
        ProbeTls.check(Optional.empty());
    }
}
