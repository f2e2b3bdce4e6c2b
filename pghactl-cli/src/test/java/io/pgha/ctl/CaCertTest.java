package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaCertTest {
    @TempDir
    Path dir;

    private CtlConfig config(String yaml) throws Exception {
        return CtlConfig.parse(dir.resolve("pghactl.yaml"), new ObjectMapper(new YAMLFactory()).readTree(yaml));
    }

    @Test
    void theFlagWinsThenTheEnvironmentThenTheConfigFile() throws Exception {
        Optional<CtlConfig> file = Optional.of(config("cacert: /etc/pgha/ca.crt\n"));
        assertThat(CaCert.resolve(Optional.of(Path.of("/flag.crt")), Map.of(CaCert.ENV, "/env.crt"), file))
                .contains(new CaCert(Path.of("/flag.crt"), "--cacert"));
        assertThat(CaCert.resolve(Optional.empty(), Map.of(CaCert.ENV, "/env.crt"), file))
                .contains(new CaCert(Path.of("/env.crt"), "PGHA_CACERT"));
        assertThat(CaCert.resolve(Optional.empty(), Map.of(), file)).hasValueSatisfying(ca -> {
            assertThat(ca.file()).isEqualTo(Path.of("/etc/pgha/ca.crt"));
            assertThat(ca.source()).endsWith("pghactl.yaml (cacert)");
        });
        assertThat(CaCert.resolve(Optional.empty(), Map.of(), Optional.of(config("token: t\n"))))
                .isEmpty();
    }

    @Test
    void aBadFileIsAUsageErrorNamingWhereItCameFrom() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.crt"), "no certificate here\n");
        assertThatThrownBy(() -> new CaCert(junk, "--cacert").sslContext())
                .isInstanceOf(CtlException.class)
                .hasMessageContaining(junk + " (from --cacert)");
        assertThatThrownBy(() -> new CaCert(dir.resolve("missing.crt"), "PGHA_CACERT").sslContext())
                .isInstanceOf(CtlException.class)
                .hasMessageContaining("(from PGHA_CACERT) is not a readable file");
    }
}
