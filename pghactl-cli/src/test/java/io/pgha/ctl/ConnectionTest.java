package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionTest {
    private static final Connection.Flags NONE =
            new Connection.Flags(Optional.empty(), List.of(), Optional.empty(), Optional.empty());
    private static final Path FILE = Path.of("/home/op/.config/pgha/pghactl.yaml");
    private static final Optional<Connection.LocalCheckout> LOCAL = Optional.of(new Connection.LocalCheckout(
            Path.of("/src/pgha/.pgha"),
            "pgha",
            List.of("http://127.0.0.1:8020/", "http://127.0.0.1:8021/"),
            Path.of("/src/pgha/.pgha/api-token")));

    private static String files(Path p) {
        return switch (p.toString()) {
            case "/src/pgha/.pgha/api-token" -> "local-token\n";
            case "/etc/pgha/token" -> "file-token\n";
            case "/etc/pgha/staging" -> "staging-token";
            case "/empty" -> " \n";
            default -> throw new IllegalStateException("NoSuchFileException: " + p);
        };
    }

    private static Optional<CtlConfig> config(String yaml) {
        return Optional.of(CtlConfig.parse(FILE, Json.readYaml(yaml, "test")));
    }

    @Test
    void theLocalClusterIsTheLastResortWithItsOwnToken() {
        Connection c = Connection.resolve(NONE, Map.of(), Optional.empty(), LOCAL, ConnectionTest::files);
        assertThat(c.coordinators())
                .containsExactly(URI.create("http://127.0.0.1:8020"), URI.create("http://127.0.0.1:8021"));
        assertThat(c.cluster()).contains("pgha");
        assertThat(c.token()).contains("local-token");
        assertThat(c.tokenSource()).isEqualTo("/src/pgha/.pgha/api-token (./pgha up)");
    }

    @Test
    void flagsBeatTheEnvironmentWhichBeatsTheFileWhichBeatsTheCheckout() {
        Optional<CtlConfig> file = config("coordinators: [http://c0:8020]\ntoken_file: /etc/pgha/token\n");
        Map<String, String> env = Map.of("PGHA_COORDINATOR", "e0:8020, e1:8020", "PGHA_TOKEN", "env-token");
        Connection fromFlags = Connection.resolve(
                new Connection.Flags(Optional.empty(), List.of("f0:8020"), Optional.of("flag-token"), Optional.empty()),
                env,
                file,
                LOCAL,
                ConnectionTest::files);
        assertThat(fromFlags.coordinators()).containsExactly(URI.create("http://f0:8020"));
        assertThat(fromFlags.tokenSource()).isEqualTo("--token");
        Connection fromEnv = Connection.resolve(NONE, env, file, LOCAL, ConnectionTest::files);
        assertThat(fromEnv.coordinators()).containsExactly(URI.create("http://e0:8020"), URI.create("http://e1:8020"));
        assertThat(fromEnv.endpointSource()).isEqualTo("PGHA_COORDINATOR");
        assertThat(fromEnv.token()).contains("env-token");
        assertThat(fromEnv.tokenSource()).isEqualTo("PGHA_TOKEN");
        Connection fromFile = Connection.resolve(NONE, Map.of(), file, LOCAL, ConnectionTest::files);
        assertThat(fromFile.coordinators()).containsExactly(URI.create("http://c0:8020"));
        assertThat(fromFile.token()).contains("file-token");
        assertThat(fromFile.tokenSource()).isEqualTo(FILE + " (token_file /etc/pgha/token)");
        assertThat(fromFile.cluster())
                .as("with a config file, the checkout's cluster is not assumed")
                .isEmpty();
    }

    @Test
    void aClusterEntryWinsOverTheTopLevelOnes() {
        Optional<CtlConfig> file = config(
                """
                default_cluster: prod
                coordinators: http://c0:8020,http://c1:8020
                token_file: /etc/pgha/token
                clusters:
                  prod: {}
                  staging:
                    coordinators: [http://s0:8020]
                    token_file: /etc/pgha/staging
                """);
        Connection prod = Connection.resolve(NONE, Map.of(), file, LOCAL, ConnectionTest::files);
        assertThat(prod.cluster()).contains("prod");
        assertThat(prod.coordinators()).hasSize(2);
        assertThat(prod.token()).contains("file-token");
        Connection staging = Connection.resolve(
                new Connection.Flags(Optional.of("staging"), List.of(), Optional.empty(), Optional.empty()),
                Map.of(),
                file,
                LOCAL,
                ConnectionTest::files);
        assertThat(staging.coordinators()).containsExactly(URI.create("http://s0:8020"));
        assertThat(staging.token()).contains("staging-token");
        assertThat(staging.tokenSource()).isEqualTo(FILE + " (clusters.staging.token_file /etc/pgha/staging)");
    }

    @Test
    void anUnknownClusterOfAFileWithoutSharedCoordinatorsListsTheNames() {
        Optional<CtlConfig> file =
                config("clusters:\n  prod: {coordinators: [c:8020]}\n  staging: {coordinators: [s:8020]}\n");
        assertThatThrownBy(() -> Connection.resolve(
                        new Connection.Flags(Optional.of("qa"), List.of(), Optional.empty(), Optional.empty()),
                        Map.of(),
                        file,
                        LOCAL,
                        ConnectionTest::files))
                .hasMessage("cluster qa is not in " + FILE + "; it names: prod, staging");
    }

    @Test
    void nothingConfiguredSaysWhatToDo() {
        assertThatThrownBy(() ->
                        Connection.resolve(NONE, Map.of(), Optional.empty(), Optional.empty(), ConnectionTest::files))
                .isInstanceOf(CtlException.class)
                .hasMessageContaining("pass --coordinator")
                .extracting(e -> ((CtlException) e).exitCode())
                .isEqualTo(ExitCode.UNREACHABLE);
    }

    @Test
    void badValuesNameWhereTheyCameFrom() {
        assertThatThrownBy(() -> Connection.resolve(
                        NONE, Map.of("PGHA_COORDINATOR", "ftp://x"), Optional.empty(), LOCAL, ConnectionTest::files))
                .hasMessageContaining("(from PGHA_COORDINATOR)");
        assertThatThrownBy(() -> Connection.resolve(
                        NONE, Map.of("PGHA_TOKEN_FILE", "/empty"), Optional.empty(), LOCAL, ConnectionTest::files))
                .hasMessage("the token file /empty (PGHA_TOKEN_FILE) is empty");
        assertThatThrownBy(() -> Connection.resolve(
                        NONE, Map.of("PGHA_TOKEN_FILE", "/nope"), Optional.empty(), LOCAL, ConnectionTest::files))
                .hasMessageContaining("cannot read the token file /nope");
        assertThatThrownBy(() -> config("coordinator: [x]")).hasMessageContaining("unknown setting coordinator");
    }

    @Test
    void withoutATokenTheSourceSaysHowToGiveOne() {
        Connection c = Connection.resolve(
                new Connection.Flags(Optional.empty(), List.of("c:8020"), Optional.empty(), Optional.empty()),
                Map.of(),
                Optional.empty(),
                LOCAL,
                ConnectionTest::files);
        assertThat(c.token())
                .as("the checkout's token goes only to the checkout's coordinators")
                .isEmpty();
        assertThat(c.tokenSource()).startsWith("no token (pass --token");
    }
}
