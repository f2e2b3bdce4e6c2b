package io.pgha.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigChecksTest {
    @TempDir
    Path dir;

    @Test
    void theTokenComesFromItsValue() {
        assertThat(ConfigChecks.token(api(Optional.of("  s3cret \n"), Optional.empty()))
                        .get())
                .isEqualTo("s3cret");
    }

    @Test
    void theValueWinsOverTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "from-file");
        assertThat(ConfigChecks.token(api(Optional.of("from-value"), Optional.of(file)))
                        .get())
                .isEqualTo("from-value");
    }

    @Test
    void theTokenComesFromAFileWithoutItsTrailingNewline() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        assertThat(ConfigChecks.token(api(Optional.empty(), Optional.of(file))).get())
                .isEqualTo("from-file");
        assertThat(ConfigChecks.token(api(Optional.of("   "), Optional.of(file)))
                        .get())
                .as("a blank value counts as none")
                .isEqualTo("from-file");
    }

    @Test
    void aMissingTokenNamesBothProperties() {
        assertThatThrownBy(() -> ConfigChecks.token(api(Optional.empty(), Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.api.token")
                .hasMessageContaining("pgha.api.token-file");
    }

    @Test
    void anEmptyTokenFileIsRefusedNamingTheProperty() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), " \n");
        assertThatThrownBy(() -> ConfigChecks.token(api(Optional.empty(), Optional.of(file))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.api.token-file")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("empty");
    }

    @Test
    void anUnreadableTokenFileIsRefusedNamingTheProperty() {
        Path missing = dir.resolve("no-such-token");
        assertThatThrownBy(() -> ConfigChecks.token(api(Optional.empty(), Optional.of(missing))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.api.token-file")
                .hasMessageContaining(missing.toString());
    }

    private static CoordinatorConfig.Api api(Optional<String> token, Optional<Path> tokenFile) {
        return new CoordinatorConfig.Api() {
            @Override
            public Optional<String> token() {
                return token;
            }

            @Override
            public Optional<Path> tokenFile() {
                return tokenFile;
            }
        };
    }
}
