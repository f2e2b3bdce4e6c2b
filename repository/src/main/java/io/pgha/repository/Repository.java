package io.pgha.repository;

import io.pgha.repository.catalog.BackupFiles;
import io.pgha.repository.catalog.Catalog;
import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.Encryption;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.BlobStore;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.wal.WalArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/** An opened backup repository: its store and how files are stored in it. */
public final class Repository implements AutoCloseable {
    private final BlobStore store;
    private final ObjectCodec codec;
    private final int parallelism;

    public Repository(BlobStore store, ObjectCodec codec, int parallelism) {
        this.store = store;
        this.codec = codec;
        this.parallelism = parallelism;
    }

    /**
     * Opens the configured repository, or empty when {@code pgha.repository.type} is {@code none}.
     * Bad settings throw an IllegalArgumentException that names the property. An S3 server is not
     * contacted here (its bucket is checked, and created when missing, on first use): a service starts
     * while the repository is unreachable, and its operations then fail with IOExceptions.
     */
    public static Optional<Repository> open(RepositoryConfig config) {
        String type = config.type().trim().toLowerCase(Locale.ROOT);
        if (type.equals("none")) {
            return Optional.empty();
        }
        Compression compression = Compression.parse(config.compression(), "pgha.repository.compression");
        Optional<Encryption> encryption = config.encryptionKeyFile()
                .map(file -> Encryption.fromKeyFile(file, "pgha.repository.encryption-key-file"));
        if (config.parallelism() < 1 || config.parallelism() > 64) {
            throw new IllegalArgumentException(
                    "pgha.repository.parallelism=" + config.parallelism() + " must be between 1 and 64");
        }
        BlobStore store =
                switch (type) {
                    case "posix" -> posix(config);
                    case "s3" -> S3Stores.open(config.s3());
                    default -> throw new IllegalArgumentException("pgha.repository.type='" + config.type()
                            + "' is not a repository type: use none, posix or s3");
                };
        return Optional.of(new Repository(store, new ObjectCodec(compression, encryption), config.parallelism()));
    }

    private static BlobStore posix(RepositoryConfig config) {
        var path = config.path()
                .orElseThrow(() -> new IllegalArgumentException(
                        "pgha.repository.path is required when pgha.repository.type=posix (the repository's folder)"));
        try {
            return new PosixBlobStore(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("pgha.repository.path=" + path + ": " + e.getMessage());
        }
    }

    public BlobStore store() {
        return store;
    }

    public ObjectCodec codec() {
        return codec;
    }

    public WalArchive walArchive(String cluster) {
        return new WalArchive(store, codec, cluster);
    }

    public Catalog catalog(String cluster) {
        return new Catalog(store, cluster);
    }

    public BackupFiles backupFiles(String cluster) {
        return new BackupFiles(store, codec, catalog(cluster), parallelism);
    }

    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
