package io.pgha.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small tmpfs of this test's own mounted on a directory (a node's directory, so that its PGDATA and
 * pg_wal are on it), which can be filled up ({@link #fill(long)}) and freed again ({@link #free()}) to
 * give PostgreSQL a full disk. Needs root. It is unmounted on {@link #close()}, or at JVM exit when a
 * test fails ({@code ProcessRegistry}); only a mount this object made is unmounted.
 */
public final class Tmpfs implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String FILLER = "pgha-disk-filler-";
    private static final int FILL_ATTEMPTS = 8;
    /**
     * What the first filler leaves free: a fallocate that asks for every free byte while another process
     * writes there fails with ENOSPC and allocates nothing (PostgreSQL writing WAL in the chaos suite, 2
     * GiB node disks: five attempts, "0 MiB filled", 2026-12-04; reproduced by hand with a writer of 25
     * MB/s). So the bulk goes first, then ever smaller rests (a quarter of the margin each time).
     */
    private static final long FIRST_MARGIN_BYTES = 16L << 20;

    private final Path dir;
    private final long bytes;
    private final List<Path> fillers = new ArrayList<>();
    private boolean closed;

    private Tmpfs(Path dir, long bytes) {
        this.dir = dir;
        this.bytes = bytes;
    }

    /** Mounts a tmpfs of {@code bytes} on {@code dir} (created when missing; it must not be a mount point). */
    public static Tmpfs mount(Path dir, long bytes) {
        if (bytes < 16L << 20) {
            throw new IllegalArgumentException("a tmpfs disk needs at least 16 MiB, not " + bytes + " bytes");
        }
        Path target = dir.toAbsolutePath();
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the mount point " + target, e);
        }
        String mount = Commands.require("mount", "mount").toString();
        if (Commands.run(
                        List.of(Commands.require("mountpoint", "util-linux").toString(), "-q", target.toString()),
                        TIMEOUT)
                .ok()) {
            throw new IllegalStateException(target + " is already a mount point: not mounting a tmpfs over it");
        }
        Commands.run(
                        List.of(mount, "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0700", "tmpfs", target.toString()),
                        TIMEOUT)
                .orThrow();
        Tmpfs tmpfs = new Tmpfs(target, bytes);
        ProcessRegistry.register(tmpfs);
        return tmpfs;
    }

    public Path dir() {
        return dir;
    }

    /** The size it was mounted with. */
    public long size() {
        return bytes;
    }

    /** The bytes in use now (files and the filler). */
    public long used() {
        try {
            var store = Files.getFileStore(dir);
            return store.getTotalSpace() - store.getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the space of " + dir, e);
        }
    }

    /** The bytes free now. */
    public long usable() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the space of " + dir, e);
        }
    }

    /**
     * Allocates filler files ({@code fallocate}, instant on tmpfs) until at most {@code leaveBytes} are
     * free; retries when a process took space meanwhile. Returns the bytes allocated.
     */
    public synchronized long fill(long leaveBytes) {
        String fallocate = Commands.require("fallocate", "util-linux").toString();
        long filled = 0;
        lastFillFailure = "";
        for (int attempt = 0; attempt < FILL_ATTEMPTS; attempt++) {
            long free = usable() - leaveBytes;
            if (free <= 0) {
                break;
            }
            long margin = FIRST_MARGIN_BYTES >> (2 * attempt);
            long size = free > margin ? free - margin : free;
            Path filler = dir.resolve(FILLER + fillers.size());
            Commands.Result result =
                    Commands.run(List.of(fallocate, "-l", Long.toString(size), filler.toString()), TIMEOUT);
            if (Files.exists(filler)) {
                fillers.add(filler);
            }
            if (result.ok()) {
                filled += size;
            } else {
                lastFillFailure = "fallocate -l " + size + " exited " + result.exitCode() + ": "
                        + result.output().strip().lines().findFirst().orElse("(no output)");
            }
        }
        return filled;
    }

    private volatile String lastFillFailure = "";

    /** Why the last failed {@code fallocate} of the last {@link #fill(long)} failed (empty: none failed). */
    public String lastFillFailure() {
        return lastFillFailure;
    }

    /** Deletes the filler files: the space {@link #fill(long)} took is free again. */
    public synchronized void free() {
        for (Path filler : fillers) {
            try {
                Files.deleteIfExists(filler);
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete the filler " + filler, e);
            }
        }
        fillers.clear();
    }

    /** Unmounts it (lazily when something still has a file open on it). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        String umount = Commands.require("umount", "mount").toString();
        if (!Commands.run(List.of(umount, dir.toString()), TIMEOUT).ok()) {
            Commands.run(List.of(umount, "-l", dir.toString()), TIMEOUT);
        }
        ProcessRegistry.unregister(this);
    }

    @Override
    public String toString() {
        return "tmpfs of " + bytes + " bytes on " + dir;
    }
}
