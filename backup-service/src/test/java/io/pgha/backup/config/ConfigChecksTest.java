package io.pgha.backup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigChecksTest {
    @TempDir
    Path dir;

    @Test
    void aSecretComesFromItsValueElseTheFirstLineOfItsFile() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\nsecond line\n");

        assertThat(ConfigChecks.secret("p", Optional.of(" v "), Optional.of(file)))
                .contains("v");
        assertThat(ConfigChecks.secret("p", Optional.of("  "), Optional.of(file)))
                .contains("from-file");
        assertThat(ConfigChecks.secret("p", Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void anEmptyOrUnreadableSecretFileNamesThePropertyNotTheSecret() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");

        assertThatThrownBy(() ->
                        ConfigChecks.secret("pgha.postgres.superuser.password", Optional.empty(), Optional.of(empty)))
                .hasMessageContaining("pgha.postgres.superuser.password-file")
                .hasMessageContaining("is empty");
        assertThatThrownBy(
                        () -> ConfigChecks.secret("pgha.api.token", Optional.empty(), Optional.of(dir.resolve("none"))))
                .hasMessageContaining("pgha.api.token-file")
                .hasMessageContaining("cannot read");
    }

    @Test
    void aMissingTokenNamesBothProperties() {
        BackupConfig.Api none = new BackupConfig.Api() {
            @Override
            public Optional<String> token() {
                return Optional.empty();
            }

            @Override
            public Optional<Path> tokenFile() {
                return Optional.empty();
            }
        };
        assertThatThrownBy(() -> ConfigChecks.token(none))
                .hasMessageContaining("pgha.api.token or pgha.api.token-file");
    }
}
