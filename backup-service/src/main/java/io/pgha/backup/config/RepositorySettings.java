package io.pgha.backup.config;

import io.pgha.repository.RepositoryConfig;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code pgha.repository.*} properties, read by backup-service's own mapping and handed to the
 * repository module as a {@link RepositoryConfig}: the same properties as the agents'. (Mapped here
 * because {@code RepositoryConfig.S3#prefix} declares {@code @WithDefault("")}, which SmallRye Config
 * reads as a missing value and refuses at start.)
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

    /** Files copied at once when backing up or restoring. */
    @WithDefault("4")
    int parallelism();

    /** S3 settings when type is s3. */
    S3 s3();

    /** An S3-compatible object store. */
    interface S3 {
        /** The endpoint, e.g. {@code https://s3.eu-west-1.amazonaws.com} or {@code http://127.0.0.1:9000}. */
        Optional<String> endpoint();

        /** The bucket (created when missing). */
        Optional<String> bucket();

        /** The region. */
        @WithDefault("us-east-1")
        String region();

        /** A key prefix inside the bucket (e.g. {@code prod/}); none by default. */
        Optional<String> prefix();

        /** Path-style addressing (needed by most S3-compatible servers). */
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
    default RepositoryConfig asRepositoryConfig() {
        RepositorySettings r = this;
        RepositoryConfig.S3 s3 = new RepositoryConfig.S3() {
            @Override
            public Optional<String> endpoint() {
                return r.s3().endpoint();
            }

            @Override
            public Optional<String> bucket() {
                return r.s3().bucket();
            }

            @Override
            public String region() {
                return r.s3().region();
            }

            @Override
            public String prefix() {
                return r.s3().prefix().orElse("");
            }

            @Override
            public boolean pathStyle() {
                return r.s3().pathStyle();
            }

            @Override
            public Optional<String> accessKey() {
                return r.s3().accessKey();
            }

            @Override
            public Optional<String> secretKey() {
                return r.s3().secretKey();
            }

            @Override
            public Optional<Path> secretKeyFile() {
                return r.s3().secretKeyFile();
            }
        };
        return new RepositoryConfig() {
            @Override
            public String type() {
                return r.type();
            }

            @Override
            public Optional<Path> path() {
                return r.path();
            }

            @Override
            public String compression() {
                return r.compression();
            }

            @Override
            public Optional<Path> encryptionKeyFile() {
                return r.encryptionKeyFile();
            }

            @Override
            public int parallelism() {
                return r.parallelism();
            }

            @Override
            public RepositoryConfig.S3 s3() {
                return s3;
            }
        };
    }
}
