package io.pgha.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.repository.store.S3BlobStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3StoresTest {
    @TempDir
    Path tmp;

    /** The S3 settings as a plain record (the services get them from @ConfigMapping). */
    record S3(
            Optional<String> endpoint,
            Optional<String> bucket,
            String region,
            Optional<String> prefix,
            boolean pathStyle,
            Optional<String> accessKey,
            Optional<String> secretKey,
            Optional<Path> secretKeyFile)
            implements RepositoryConfig.S3 {
        static S3 valid() {
            return new S3(
                    Optional.of("http://127.0.0.1:9000"),
                    Optional.of("pgha-backups"),
                    "us-east-1",
                    Optional.empty(),
                    true,
                    Optional.of("AKID"),
                    Optional.of("s3cr3t"),
                    Optional.empty());
        }

        S3 endpoint(String e) {
            return new S3(
                    Optional.ofNullable(e), bucket, region, prefix, pathStyle, accessKey, secretKey, secretKeyFile);
        }

        S3 bucket(String b) {
            return new S3(
                    endpoint, Optional.ofNullable(b), region, prefix, pathStyle, accessKey, secretKey, secretKeyFile);
        }

        S3 region(String r) {
            return new S3(endpoint, bucket, r, prefix, pathStyle, accessKey, secretKey, secretKeyFile);
        }

        S3 prefix(String p) {
            return new S3(endpoint, bucket, region, Optional.of(p), pathStyle, accessKey, secretKey, secretKeyFile);
        }

        S3 credentials(String access, String secret, Path file) {
            return new S3(
                    endpoint,
                    bucket,
                    region,
                    prefix,
                    pathStyle,
                    Optional.ofNullable(access),
                    Optional.ofNullable(secret),
                    Optional.ofNullable(file));
        }
    }

    @Test
    void validSettingsAreResolved() {
        S3BlobStore.Settings settings = S3Stores.settings(S3.valid().prefix("prod/eu"), Map.of());
        assertThat(settings.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(settings.bucket()).isEqualTo("pgha-backups");
        assertThat(settings.prefix()).isEqualTo("prod/eu/");
        assertThat(settings.accessKey()).isEqualTo("AKID");
        assertThat(settings.secretKey()).isEqualTo("s3cr3t");
        assertThat(settings.toString())
                .isEqualTo("S3 bucket pgha-backups prefix prod/eu/ at http://127.0.0.1:9000")
                .doesNotContain("s3cr3t")
                .doesNotContain("AKID");
        assertThat(S3Stores.settings(S3.valid().endpoint(null), Map.of()).toString())
                .isEqualTo("S3 bucket pgha-backups at AWS region us-east-1");
    }

    @Test
    void credentialsComeFromTheConfigTheEnvironmentOrTheSecretFile() throws Exception {
        Map<String, String> env = Map.of(
                S3Stores.ACCESS_KEY_ENV, "ENV-AKID",
                S3Stores.SECRET_KEY_ENV, "env-secret");
        S3BlobStore.Settings fromEnv = S3Stores.settings(S3.valid().credentials(null, null, null), env);
        assertThat(fromEnv.accessKey()).isEqualTo("ENV-AKID");
        assertThat(fromEnv.secretKey()).isEqualTo("env-secret");

        Path file = tmp.resolve("secret");
        Files.writeString(file, "file-secret\nignored\n");
        S3BlobStore.Settings fromFile = S3Stores.settings(S3.valid().credentials("AKID", null, file), env);
        assertThat(fromFile.secretKey()).isEqualTo("file-secret");
        assertThat(S3Stores.settings(S3.valid(), env).secretKey()).isEqualTo("s3cr3t");
    }

    @Test
    void everyBadSettingNamesItsProperty() throws Exception {
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().bucket(null), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pgha.repository.s3.bucket is required");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().bucket("Bad_Bucket"), Map.of()))
                .hasMessageStartingWith("pgha.repository.s3.bucket='Bad_Bucket' is not a bucket name");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().bucket("ab"), Map.of()))
                .hasMessageStartingWith("pgha.repository.s3.bucket=");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().endpoint("127.0.0.1:9000"), Map.of()))
                .hasMessageStartingWith("pgha.repository.s3.endpoint='127.0.0.1:9000' is not a URL");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().endpoint("http://user:pw@host:9000"), Map.of()))
                .hasMessageStartingWith("pgha.repository.s3.endpoint=")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().region("US East"), Map.of()))
                .hasMessageStartingWith("pgha.repository.s3.region=");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().prefix("../up"), Map.of()))
                .hasMessageStartingWith("pgha.repository.s3.prefix='../up'");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().credentials(null, "s", null), Map.of()))
                .hasMessageStartingWith("pgha.repository.s3.access-key (or the environment variable "
                        + "PGHA_REPOSITORY_S3_ACCESS_KEY) is required");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().credentials("a", null, null), Map.of()))
                .hasMessageContaining("PGHA_REPOSITORY_S3_SECRET_KEY is required");
        Path file = tmp.resolve("secret");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().credentials("a", "b", file), Map.of()))
                .hasMessageContaining("are both set");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().credentials("a", null, tmp.resolve("none")), Map.of()))
                .hasMessageStartingWith("pgha.repository.s3.secret-key-file=")
                .hasMessageContaining("cannot be read");
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> S3Stores.settings(S3.valid().credentials("a", null, file), Map.of()))
                .hasMessageContaining("the first line must be the secret access key");
    }

    @Test
    void openingDoesNotContactTheServer() throws Exception {
        // nothing listens on port 1: opening must still succeed (the agent starts; archiving fails loudly later)
        try (var store = S3BlobStore.open(S3Stores.settings(S3.valid().endpoint("http://127.0.0.1:1"), Map.of()))) {
            assertThat(store.describe()).contains("http://127.0.0.1:1");
            assertThatThrownBy(() -> store.list("demo/wal/"))
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("S3 repository: could not")
                    .hasMessageContaining("cannot reach the S3 server")
                    .hasMessageNotContaining("s3cr3t");
        }
    }
}
