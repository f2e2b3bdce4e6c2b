package io.pgha.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.repository.codec.Compression;
import io.pgha.repository.store.PosixBlobStore;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings as the services read them (SmallRye Config mapping), and what Repository.open makes of them. */
class RepositoryConfigTest {
    @ConfigMapping(prefix = "pgha")
    interface Service {
        RepositoryConfig repository();
    }

    @TempDir
    Path tmp;

    @Test
    void defaultsMapWithNothingSet() {
        RepositoryConfig config = config(Map.of());
        assertThat(config.type()).isEqualTo("none");
        assertThat(config.compression()).isEqualTo("zstd");
        assertThat(config.parallelism()).isEqualTo(4);
        assertThat(config.s3().region()).isEqualTo("us-east-1");
        assertThat(config.s3().prefix()).isEmpty();
        assertThat(config.s3().pathStyle()).isTrue();
        assertThat(Repository.open(config)).isEmpty();
    }

    @Test
    void aPosixRepositoryOpensFromItsProperties() throws Exception {
        Path key = tmp.resolve("key");
        Files.writeString(key, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        RepositoryConfig config = config(Map.of(
                "pgha.repository.type", "posix",
                "pgha.repository.path", tmp.resolve("repo").toString(),
                "pgha.repository.compression", "lz4",
                "pgha.repository.encryption-key-file", key.toString(),
                "pgha.repository.parallelism", "8"));
        try (Repository repository = Repository.open(config).orElseThrow()) {
            assertThat(repository.store()).isInstanceOf(PosixBlobStore.class);
            assertThat(repository.describe()).contains(tmp.resolve("repo").toString());
            Path segment = Files.write(tmp.resolve("000000010000000000000001"), new byte[1000]);
            repository
                    .walArchive("demo")
                    .push(io.pgha.repository.wal.WalName.parse("000000010000000000000001"), segment);
            byte[] stored = Files.readAllBytes(tmp.resolve("repo/demo/wal/00000001/000000010000000000000001"));
            var header = io.pgha.repository.codec.ObjectCodec.decode(stored);
            assertThat(header.compression()).isEqualTo(Compression.LZ4);
            assertThat(header.encrypted()).isTrue();
        }
    }

    @Test
    void anS3RepositoryMapsEverySetting() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "s3cr3t\n");
        Map<String, String> properties = new HashMap<>(Map.of(
                "pgha.repository.type", "s3",
                "pgha.repository.s3.endpoint", "http://127.0.0.1:9000",
                "pgha.repository.s3.bucket", "pgha-backups",
                "pgha.repository.s3.prefix", "prod",
                "pgha.repository.s3.path-style", "false",
                "pgha.repository.s3.access-key", "AKID",
                "pgha.repository.s3.secret-key-file", secret.toString()));
        RepositoryConfig config = config(properties);
        var settings = S3Stores.settings(config.s3(), Map.of());
        assertThat(settings.prefix()).isEqualTo("prod/");
        assertThat(settings.pathStyle()).isFalse();
        assertThat(settings.secretKey()).isEqualTo("s3cr3t");
        try (Repository repository = Repository.open(config).orElseThrow()) {
            assertThat(repository.describe()).isEqualTo("S3 bucket pgha-backups prefix prod/ at http://127.0.0.1:9000");
        }

        properties.remove("pgha.repository.s3.bucket");
        assertThatThrownBy(() -> Repository.open(config(properties)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pgha.repository.s3.bucket is required");
    }

    @Test
    void badTopLevelSettingsNameTheProperty() {
        assertThatThrownBy(() -> Repository.open(config(Map.of("pgha.repository.type", "ftp"))))
                .hasMessageStartingWith("pgha.repository.type='ftp' is not a repository type");
        assertThatThrownBy(() -> Repository.open(config(Map.of("pgha.repository.type", "posix"))))
                .hasMessageStartingWith("pgha.repository.path is required");
        assertThatThrownBy(() -> Repository.open(config(Map.of(
                        "pgha.repository.type", "posix",
                        "pgha.repository.path", tmp.toString(),
                        "pgha.repository.parallelism", "0"))))
                .hasMessageStartingWith("pgha.repository.parallelism=0");
        assertThatThrownBy(() -> Repository.open(config(Map.of(
                        "pgha.repository.type", "posix",
                        "pgha.repository.path", tmp.toString(),
                        "pgha.repository.compression", "gzip"))))
                .hasMessageStartingWith("pgha.repository.compression='gzip'");
        assertThatThrownBy(() -> Repository.open(config(Map.of(
                        "pgha.repository.type", "posix",
                        "pgha.repository.path", tmp.toString(),
                        "pgha.repository.encryption-key-file",
                                tmp.resolve("none").toString()))))
                .hasMessageStartingWith("pgha.repository.encryption-key-file");
    }

    private static RepositoryConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(Service.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(Service.class).repository();
    }
}
