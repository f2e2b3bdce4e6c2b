package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretSettingTest {
    @TempDir
    Path dir;

    @Test
    void aValueWinsOverTheFileAndIsStripped() throws Exception {
        Path file = write("token", "from-file\n");
        assertThat(SecretSetting.resolve("pgha.api.token", Optional.of(" given "), Optional.of(file)))
                .contains("given");
        assertThat(SecretSetting.resolve("pgha.api.token", Optional.of(" "), Optional.of(file)))
                .contains("from-file");
        assertThat(SecretSetting.resolve("pgha.api.token", Optional.empty(), Optional.empty()))
                .isEmpty();
    }

    @Test
    void onlyTheFirstLineOfTheFileIsTheSecret() throws Exception {
        Path file = write("password", "  s3cret-first  \nsecond line\n");
        assertThat(SecretSetting.resolve("pgha.monitor.password", Optional.empty(), Optional.of(file)))
                .contains("s3cret-first");
    }

    @Test
    void anEmptyOrMissingFileIsAnErrorNamingThePropertyAndTheFileButNotTheSecret() throws Exception {
        Path empty = write("empty", "\n");
        assertThatThrownBy(() -> SecretSetting.resolve("pgha.api.token", Optional.empty(), Optional.of(empty)))
                .hasMessageContaining("pgha.api.token-file")
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("is empty");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> SecretSetting.following("pgha.api.token", Optional.empty(), Optional.of(missing)))
                .hasMessageContaining("pgha.api.token-file")
                .hasMessageContaining("cannot read " + missing);
    }

    @Test
    void aFollowedFileIsReReadWhenItChanges() throws Exception {
        Path file = write("token", "first-token\n");
        Supplier<String> token = SecretSetting.following("pgha.api.token", Optional.empty(), Optional.of(file))
                .orElseThrow();
        assertThat(token.get()).isEqualTo("first-token");

        Files.writeString(file, "second-token\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(token.get()).isEqualTo("second-token");
    }

    @Test
    void aFollowedFileThatTurnsEmptyOrVanishesKeepsTheLastGoodSecret() throws Exception {
        Path file = write("token", "good-token\n");
        Supplier<String> token = SecretSetting.following("pgha.api.token", Optional.empty(), Optional.of(file))
                .orElseThrow();

        Files.writeString(file, "");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(token.get()).isEqualTo("good-token");

        Files.delete(file);
        assertThat(token.get()).isEqualTo("good-token");

        Files.writeString(file, "next-token\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(token.get()).isEqualTo("next-token");
    }

    @Test
    void aFixedValueIsNotAFile() {
        assertThat(SecretSetting.following("pgha.api.token", Optional.of("v"), Optional.empty())
                        .orElseThrow()
                        .get())
                .isEqualTo("v");
        assertThat(SecretSetting.following("pgha.api.token", Optional.empty(), Optional.empty()))
                .isEmpty();
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
