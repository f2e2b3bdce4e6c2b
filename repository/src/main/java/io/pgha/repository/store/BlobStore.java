package io.pgha.repository.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a repository keeps its objects: a posix directory or an S3 bucket. Keys are relative,
 * slash-separated paths of safe characters ({@link Keys#check}). Implementations are thread-safe.
 */
public interface BlobStore extends AutoCloseable {
    /**
     * Stores the file under the key only if no object has that key yet.
     *
     * @return true when written; false when an object already had the key (nothing was written)
     */
    boolean createIfAbsent(String key, Path source) throws IOException;

    /** Stores the file under the key, replacing what was there (catalog entries, never WAL). */
    void put(String key, Path source) throws IOException;

    /** Stores the bytes under the key, replacing what was there. */
    void putBytes(String key, byte[] bytes) throws IOException;

    /** The object's content, or empty when no object has the key. The caller closes the stream. */
    Optional<InputStream> open(String key) throws IOException;

    /** At most {@code length} bytes from the object's start, or empty when it does not exist. */
    Optional<byte[]> head(String key, int length) throws IOException;

    /** Every key under the prefix (a folder, ending in '/', or empty for all), sorted. */
    List<String> list(String prefix) throws IOException;

    /** Removes the object; nothing happens when it does not exist. */
    void delete(String key) throws IOException;

    /** Where the objects are, for messages (never with a secret). */
    String describe();

    /**
     * The local folder that holds the objects under {@code prefix} (a folder key ending in '/'), when
     * this store keeps them as files an object's key names under that folder; empty for a remote store.
     */
    default Optional<Path> localFolder(String prefix) {
        return Optional.empty();
    }

    @Override
    default void close() throws IOException {}
}
