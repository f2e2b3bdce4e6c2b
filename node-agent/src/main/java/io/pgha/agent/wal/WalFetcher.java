package io.pgha.agent.wal;

import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Serves restore_command: a WAL file from the repository, through a spool folder outside the data
 * directory ({@code <node>/wal-spool/<cluster>/}). Asked for a segment, it also fetches the next
 * {@code prefetch} segments of that timeline in parallel, so recovery finds them on local disk. A
 * spooled file is handed out once and removed; segments before the one asked for are removed too
 * (recovery has passed them), so the spool holds at most about {@code prefetch} files per cluster.
 */
public final class WalFetcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WalFetcher.class);

    private final Function<String, WalArchive> archives;
    private final Path spool;
    private final int prefetch;
    private final ThreadPoolExecutor pool;
    private final Map<String, CompletableFuture<Boolean>> fetching = new ConcurrentHashMap<>();

    /**
     * @param archives the WAL archive of a cluster (this one's, or a restore's source)
     * @param spool the spool folder (emptied now)
     * @param prefetch segments fetched ahead
     * @param logContext sets the logging context on the fetcher's threads
     */
    public WalFetcher(Function<String, WalArchive> archives, Path spool, int prefetch, Runnable logContext) {
        this.archives = archives;
        this.spool = spool;
        this.prefetch = prefetch;
        int threads = Math.max(1, Math.min(prefetch, 8));
        this.pool = new ThreadPoolExecutor(
                threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(1, prefetch)), r -> {
                    Thread t = new Thread(
                            () -> {
                                logContext.run();
                                r.run();
                            },
                            "pgha-wal-fetch");
                    t.setDaemon(true);
                    return t;
                });
        this.pool.allowCoreThreadTimeOut(true);
        try {
            deleteTree(spool);
            Files.createDirectories(spool);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the WAL spool folder " + spool, e);
        }
    }

    /**
     * The file to send for {@code name} of {@code cluster}, or empty when the archive has none. The
     * caller sends it, then calls {@link #served}.
     *
     * @throws IOException when the repository cannot be read
     */
    public Optional<Path> fetch(String cluster, WalName name) throws IOException {
        Path dir = spool.resolve(cluster);
        Files.createDirectories(dir);
        dropPassed(dir, name);
        Path file = dir.resolve(name.name());
        CompletableFuture<Boolean> running = fetching.get(key(cluster, name));
        if (running != null) {
            try {
                running.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching " + name, e);
            } catch (ExecutionException e) {
                // fetched again below
            }
        }
        boolean found = Files.isRegularFile(file) || archives.apply(cluster).fetch(name, file);
        if (found && name.kind() == WalName.Kind.SEGMENT) {
            prefetchAfter(cluster, name, dir); // not past the archive's end: recovery asks again and again there
        }
        return found ? Optional.of(file) : Optional.empty();
    }

    /** The file was sent: it is removed from the spool. */
    public void served(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debugf("cannot remove %s: %s", file, e.getMessage());
        }
    }

    private void prefetchAfter(String cluster, WalName name, Path dir) {
        WalName next = name;
        for (int i = 0; i < prefetch; i++) {
            next = next.next();
            WalName wanted = next;
            String key = key(cluster, wanted);
            Path target = dir.resolve(wanted.name());
            if (Files.exists(target) || fetching.containsKey(key)) {
                continue;
            }
            CompletableFuture<Boolean> future = new CompletableFuture<>();
            fetching.put(key, future);
            try {
                pool.execute(() -> {
                    boolean found = false;
                    try {
                        found = archives.apply(cluster).fetch(wanted, target);
                    } catch (IOException | RuntimeException e) {
                        LOG.debugf("prefetch of %s failed: %s", wanted, e.getMessage());
                    } finally {
                        fetching.remove(key);
                        future.complete(found);
                    }
                });
            } catch (RejectedExecutionException full) {
                fetching.remove(key);
                future.complete(false);
                return;
            }
            if (future.isDone() && !future.join()) {
                return; // the archive ends here: fetching further is useless
            }
        }
    }

    /** Removes spooled segments before {@code name} (recovery asks in order) and left-over temporary files. */
    private static void dropPassed(Path dir, WalName name) throws IOException {
        if (name.kind() != WalName.Kind.SEGMENT) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                if (WalName.isValid(file)) {
                    WalName spooled = WalName.parse(file);
                    if (spooled.kind() == WalName.Kind.SEGMENT && spooled.segmentNumber() < name.segmentNumber()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }

    private static String key(String cluster, WalName name) {
        return cluster + "/" + name.name();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Stops prefetching and waits (bounded) until no prefetch still writes into the spool. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("WAL prefetch threads still running 10 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
