package io.pgha.agent.config;

import io.pgha.repository.RepositoryConfig;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code pgha.repository.*} as the agent reads it: the properties of the repository module's {@link
 * RepositoryConfig}, with the S3 prefix optional (SmallRye Config reads an empty default as missing
 * and refuses to start), handed to {@code Repository.open} through {@link #toConfig}.
 */
public interface RepositorySettings {
    /** {@code none} (no archiving, no backups), {@code posix} or {@code s3}. */
    @WithDefault("none")
    String type();

    /** The repository's folder when type is posix (a shared volume, or one machine's disk). */
    Optional<Path> path();

    /** Compression of every stored file: {@code zstd} (default), {@code lz4} or {@code none}. */
    @WithDefault("zstd")
    String compression();

    /** A file whose first line is a 32-byte key in base64: every stored file is then AES-256-GCM encrypted. */
    @WithName("encryption-key-file")
    Optional<Path> encryptionKeyFile();

    /** Files copied at once when restoring a backup. */
    @WithDefault("4")
    int parallelism();

    /** S3 settings when type is s3. */
    S3 s3();

    /** An S3-compatible object store. */
    interface S3 {
        /** The endpoint, e.g. {@code http://127.0.0.1:9000}. */
        Optional<String> endpoint();

        /** The bucket. */
        Optional<String> bucket();

        /** The region. */
        @WithDefault("us-east-1")
        String region();

        /** A key prefix inside the bucket (e.g. {@code prod/}); none by default. */
        Optional<String> prefix();

        /** Path-style addressing. */
        @WithName("path-style")
        @WithDefault("true")
        boolean pathStyle();

        /** Access key id (prefer {@code PGHA_REPOSITORY_S3_ACCESS_KEY}). */
        @WithName("access-key")
        Optional<String> accessKey();

        /** Secret access key (prefer {@code PGHA_REPOSITORY_S3_SECRET_KEY} or the file). */
        @WithName("secret-key")
        Optional<String> secretKey();

        /** A file whose first line is the secret access key. */
        @WithName("secret-key-file")
        Optional<Path> secretKeyFile();
    }

    /** These settings as the repository module's {@link RepositoryConfig}. */
    static RepositoryConfig toConfig(RepositorySettings s) {
        RepositoryConfig.S3 s3 = new RepositoryConfig.S3() {
            public Optional<String> endpoint() {
                return s.s3().endpoint();
            }

            public Optional<String> bucket() {
                return s.s3().bucket();
            }

            public String region() {
                return s.s3().region();
            }

            public String prefix() {
                return s.s3().prefix().orElse("");
            }

            public boolean pathStyle() {
                return s.s3().pathStyle();
            }

            public Optional<String> accessKey() {
                return s.s3().accessKey();
            }

            public Optional<String> secretKey() {
                return s.s3().secretKey();
            }

            public Optional<Path> secretKeyFile() {
                return s.s3().secretKeyFile();
            }
        };
        return new RepositoryConfig() {
            public String type() {
                return s.type();
            }

            public Optional<Path> path() {
                return s.path();
            }

            public String compression() {
                return s.compression();
            }

            public Optional<Path> encryptionKeyFile() {
                return s.encryptionKeyFile();
            }

            public int parallelism() {
                return s.parallelism();
            }

            public RepositoryConfig.S3 s3() {
                return s3;
            }
        };
    }
}
