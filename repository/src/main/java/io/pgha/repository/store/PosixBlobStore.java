package io.pgha.repository.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Objects as files under a root directory. Every write goes to a temporary file in the target's
 * folder, is fsynced, and is then moved into place (atomically; for {@link #createIfAbsent} with a
 * hard link, which fails when the name exists), so a reader never sees half an object. Folders are
 * created on demand and removed when their last object is deleted; names starting with {@code .tmp-}
 * are the store's own and never listed.
 */
public final class PosixBlobStore implements BlobStore {
    private static final String TMP = ".tmp-";

    private final Path root;

    public PosixBlobStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
        if (!Files.isWritable(this.root)) {
            throw new IOException("backup repository " + this.root + " is not writable by this process");
        }
    }

    @Override
    public boolean createIfAbsent(String key, Path source) throws IOException {
        Path target = resolve(key);
        if (Files.exists(target)) {
            return false;
        }
        Path tmp = copyToTemp(target, source);
        try {
            Files.createLink(target, tmp);
            fsync(target.getParent());
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void put(String key, Path source) throws IOException {
        Path target = resolve(key);
        Path tmp = copyToTemp(target, source);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsync(target.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void putBytes(String key, byte[] bytes) throws IOException {
        Path target = resolve(key);
        Path tmp = createTemp(target.getParent());
        try {
            Files.write(tmp, bytes);
            fsync(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsync(target.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        try {
            return Optional.of(Files.newInputStream(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<byte[]> head(String key, int length) throws IOException {
        Optional<InputStream> in = open(key);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream stream = in.get()) {
            return Optional.of(stream.readNBytes(length));
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        Keys.checkPrefix(prefix);
        Path start = prefix.isEmpty() ? root : root.resolve(prefix);
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        for (int attempt = 1; ; attempt++) {
            List<String> keys = new ArrayList<>();
            try (Stream<Path> files = Files.walk(start)) {
                files.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith(TMP))
                        .forEach(p -> keys.add(root.relativize(p).toString().replace('\\', '/')));
                keys.sort(null);
                return keys;
            } catch (NoSuchFileException | UncheckedIOException e) {
                // an empty folder removed by a concurrent delete while walking: walk again (never a partial list)
                if (attempt == 5
                        || !(e instanceof NoSuchFileException || e.getCause() instanceof NoSuchFileException)) {
                    throw e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
                }
                if (!Files.isDirectory(start)) {
                    return List.of();
                }
            }
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path target = resolve(key);
        Files.deleteIfExists(target);
        removeEmptyFolders(target.getParent());
    }

    /** Removes the now empty folders above a deleted object (a removed backup leaves no folder behind). */
    private void removeEmptyFolders(Path folder) {
        for (Path dir = folder; dir != null && dir.startsWith(root) && !dir.equals(root); dir = dir.getParent()) {
            try {
                Files.delete(dir);
            } catch (IOException e) {
                return; // not empty (or already gone): the folders above are not empty either
            }
        }
    }

    @Override
    public String describe() {
        return "posix repository " + root;
    }

    @Override
    public Optional<Path> localFolder(String prefix) {
        String checked = Keys.checkPrefix(prefix);
        return Optional.of(checked.isEmpty() ? root : resolve(checked.substring(0, checked.length() - 1)));
    }

    private Path resolve(String key) {
        Path path = root.resolve(Keys.check(key)).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("repository key '" + key + "' leaves the repository");
        }
        for (String part : key.split("/")) {
            if (part.startsWith(TMP)) {
                throw new IllegalArgumentException(
                        "not a repository key: '" + key + "' (names starting with " + TMP + " are the store's own)");
            }
        }
        return path;
    }

    private static Path copyToTemp(Path target, Path source) throws IOException {
        Path tmp = createTemp(target.getParent());
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            fsync(tmp);
            return tmp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** A temporary file in {@code folder}, created when missing (again, if a delete just removed it as empty). */
    private static Path createTemp(Path folder) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Files.createDirectories(folder);
            try {
                return Files.createTempFile(folder, TMP, "");
            } catch (NoSuchFileException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static void fsync(Path path) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(path)) {
                throw e;
            }
            // some file systems refuse to fsync a directory; the rename is still atomic
        }
    }
}
