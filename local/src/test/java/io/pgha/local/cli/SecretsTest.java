package io.pgha.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void createdOnceWithMode600ThenReused() throws Exception {
        Path file = dir.resolve("secrets/api-token");

        String first = Secrets.loadOrCreate(file);
        String again = Secrets.loadOrCreate(file);

        assertThat(first).matches("[A-Za-z0-9_-]{43}").isEqualTo(again);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Secrets.generate()).isNotEqualTo(first);
    }
}
