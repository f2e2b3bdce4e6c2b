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
    void withoutAConfigFileTheCheckoutsLocalCaIsTrusted() throws Exception {
        Optional<Connection.LocalCheckout> local = Optional.of(new Connection.LocalCheckout(
                Path.of("/repo/.pgha"),
                "pgha",
                java.util.List.of("https://127.0.0.1:8020"),
                Path.of("/repo/.pgha/api-token"),
                Map.of(),
                Optional.of(Path.of("/repo/.pgha/tls/ca.crt"))));
        assertThat(CaCert.resolve(Optional.empty(), Map.of(), Optional.empty(), local))
                .contains(new CaCert(Path.of("/repo/.pgha/tls/ca.crt"), "/repo/.pgha/state.properties (./pgha up)"));
        // anything named explicitly wins; a config file (maybe of other clusters) keeps the checkout's CA out
        assertThat(CaCert.resolve(Optional.of(Path.of("/flag.crt")), Map.of(), Optional.empty(), local))
                .contains(new CaCert(Path.of("/flag.crt"), "--cacert"));
        assertThat(CaCert.resolve(Optional.empty(), Map.of(CaCert.ENV, "/env.crt"), Optional.empty(), local))
                .contains(new CaCert(Path.of("/env.crt"), "PGHA_CACERT"));
        assertThat(CaCert.resolve(Optional.empty(), Map.of(), Optional.of(config("token: t\n")), local))
                .isEmpty();
        // a suite started with --insecure records no CA
        assertThat(CaCert.resolve(
                        Optional.empty(),
                        Map.of(),
                        Optional.empty(),
                        Optional.of(new Connection.LocalCheckout(
                                Path.of("/repo/.pgha"), "pgha", java.util.List.of(), Path.of("/t"), Map.of()))))
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
