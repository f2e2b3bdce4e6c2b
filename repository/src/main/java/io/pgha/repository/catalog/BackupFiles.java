package io.pgha.repository.catalog;

import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Copies a plain-format base backup into the repository, and back into an empty data directory,
 * one object per file, several files at a time (a serial restore is the most common complaint about
 * backup tools).
 */
public final class BackupFiles {
    private final BlobStore store;
    private final ObjectCodec codec;
    private final Catalog catalog;
    private final int parallelism;

    public BackupFiles(BlobStore store, ObjectCodec codec, Catalog catalog, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        this.store = store;
        this.codec = codec;
        this.catalog = catalog;
        this.parallelism = parallelism;
    }

    /** What was copied: every directory (also empty ones) and every file. */
    public record Content(List<String> directories, List<BackupFile> files) {}

    /**
     * Stores every file under {@code dataDir} as objects of backup {@code backupId}. Symbolic links
     * (tablespaces) are refused: pgha backs up data directories without tablespaces.
     */
    public Content upload(String backupId, Path dataDir) throws IOException {
        List<String> dirs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dataDir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(p)) {
                    throw new IOException("the backup contains a symbolic link " + dataDir.relativize(p)
                            + ": tablespaces and a linked pg_wal are not supported by pgha's backups yet");
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!p.equals(dataDir)) {
                        dirs.add(relative(dataDir, p));
                    }
                } else {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        List<BackupFile> stored = inParallel(files.size(), i -> {
            Path file = files.get(i);
            String key = catalog.objectKey(backupId, i + 1);
            Path sealed = Files.createTempFile("pgha-backup-", ".sealed");
            try {
                ObjectCodec.Header header = codec.seal(file, sealed);
                long storedSize = Files.size(sealed);
                store.put(key, sealed);
                return new BackupFile(relative(dataDir, file), i + 1, header.size(), header.sha256(), storedSize);
            } finally {
                Files.deleteIfExists(sealed);
            }
        });
        return new Content(dirs, stored);
    }

    /** Restores a backup's files into {@code target}, which must be empty or absent. */
    public void download(BackupRecord backup, Path into) throws IOException {
        Path target = into.toAbsolutePath().normalize();
        Files.createDirectories(target);
        try (Stream<Path> existing = Files.list(target)) {
            if (existing.findAny().isPresent()) {
                throw new IOException("cannot restore backup " + backup.id() + " into " + target + ": it is not empty");
            }
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        for (String dir : backup.directories()) {
            Path d = inside(target, dir);
            Files.createDirectories(d);
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        }
        List<BackupFile> files = backup.files();
        inParallel(files.size(), i -> {
            BackupFile file = files.get(i);
            Path out = inside(target, file.path());
            Files.createDirectories(out.getParent());
            InputStream in = store.open(catalog.objectKey(backup.id(), file.object()))
                    .orElseThrow(() -> new IOException("backup " + backup.id() + " misses the object of " + file.path()
                            + " in " + store.describe() + ": the backup is damaged, restore another one"));
            ObjectCodec.Header header = codec.unseal(in, out);
            if (!header.sha256().equals(file.sha256())) {
                throw new IOException(
                        "backup " + backup.id() + ": " + file.path() + " does not match the catalog's checksum");
            }
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
            return file;
        });
    }

    private static Path inside(Path root, String relative) throws IOException {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IOException("the catalog names a path outside the data directory: '" + relative + "'");
        }
        return p;
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private interface Step<T> {
        T run(int index) throws IOException;
    }

    private <T> List<T> inParallel(int count, Step<T> step) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, count)));
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    try {
                        return step.run(index);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying a backup", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause.getMessage(), cause);
        } finally {
            pool.shutdownNow();
            awaitStopped(pool);
        }
    }

    /**
     * Waits until no copy of this call runs any more: when one file fails the others are interrupted, and
     * none may go on writing into the target after the caller heard of the failure (and may clean it up
     * or try again).
     */
    private static void awaitStopped(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                // not thrown: it would replace the failure the caller must hear of
                System.getLogger(BackupFiles.class.getName())
                        .log(
                                System.Logger.Level.WARNING,
                                "copies of a backup still run a minute after being interrupted");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
