package io.pgha.repository;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The backup repository's settings, a group inside each service's {@code pgha.*} mapping (the
 * node-agent's and backup-service's read the same properties: {@code pgha.repository.*}).
 */
public interface RepositoryConfig {
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

        /**
         * A key prefix inside the bucket (e.g. {@code prod/}); none by default. (Optional rather than an
         * empty default: SmallRye Config reads an empty default as missing and refuses to start.)
         */
        Optional<String> prefix();

        /** Path-style addressing (needed by most S3-compatible servers). */
        @WithName("path-style")
        @WithDefault("true")
        boolean pathStyle();

        /** Access key id (prefer {@code PGHA_REPOSITORY_S3_ACCESS_KEY}). */
        @WithName("access-key")
        Optional<String> accessKey();

        /** Secret access key (prefer the file or {@code PGHA_REPOSITORY_S3_SECRET_KEY}; not together with the file). */
        @WithName("secret-key")
        Optional<String> secretKey();

        /** A file whose first line is the secret access key. */
        @WithName("secret-key-file")
        Optional<Path> secretKeyFile();
    }
}
