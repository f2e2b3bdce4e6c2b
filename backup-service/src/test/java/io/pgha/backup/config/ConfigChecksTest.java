package io.pgha.backup.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigChecksTest {
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
