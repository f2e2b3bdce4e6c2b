package io.pgha.repository.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.BlobStore;
import io.pgha.repository.store.PosixBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aDirectoryTreeComesBackWholeWithEmptyFoldersAndPrivatePermissions() throws Exception {
        Path data = dataDir();
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        Catalog catalog = new Catalog(store, "demo");
        BackupFiles files = new BackupFiles(store, new ObjectCodec(Compression.ZSTD, Optional.empty()), catalog, 3);

        BackupFiles.Content content = files.upload("b1", data);
        assertThat(content.directories())
                .containsExactlyInAnyOrder("base", "base/1", "global", "pg_wal", "pg_wal/archive_status", "pg_notify");
        assertThat(content.files())
                .extracting(BackupFile::path)
                .containsExactly("PG_VERSION", "base/1/1259", "base/1/16384", "global/pg_control");
        assertThat(content.files()).extracting(BackupFile::object).containsExactly(1, 2, 3, 4);
        assertThat(content.files().get(2).size()).isEqualTo(3 * 1024 * 1024);
        assertThat(content.files().get(2).storedSize())
                .isLessThan(content.files().get(2).size());
        assertThat(store.list("demo/backups/b1/"))
                .containsExactly(
                        "demo/backups/b1/data/000001",
                        "demo/backups/b1/data/000002",
                        "demo/backups/b1/data/000003",
                        "demo/backups/b1/data/000004");

        BackupRecord record = record("b1", content);
        catalog.save(record);
        Path target = tmp.resolve("restored/pgdata");
        files.download(catalog.get("b1").orElseThrow(), target);

        assertThat(tree(target)).isEqualTo(tree(data));
        assertThat(mode(target)).isEqualTo("rwx------");
        assertThat(mode(target.resolve("pg_wal/archive_status"))).isEqualTo("rwx------");
        assertThat(mode(target.resolve("pg_notify"))).isEqualTo("rwx------");
        assertThat(mode(target.resolve("base/1/16384"))).isEqualTo("rw-------");
    }

    @Test
    void refusesANonEmptyTargetAndSymbolicLinks() throws Exception {
        Path data = dataDir();
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        Catalog catalog = new Catalog(store, "demo");
        BackupFiles files = new BackupFiles(store, new ObjectCodec(Compression.LZ4, Optional.empty()), catalog, 2);
        BackupRecord record = record("b1", files.upload("b1", data));

        Path target = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(target.resolve("postmaster.pid"), "123");
        assertThatThrownBy(() -> files.download(record, target)).hasMessageContaining("it is not empty");
        assertThat(Files.readString(target.resolve("postmaster.pid"))).isEqualTo("123");

        Files.createSymbolicLink(data.resolve("pg_tblspc_link"), tmp);
        assertThatThrownBy(() -> files.upload("b2", data))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("symbolic link pg_tblspc_link");
        assertThatThrownBy(() -> new BackupFiles(store, new ObjectCodec(Compression.LZ4, Optional.empty()), catalog, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCatalogNamingPathsOutsideTheTargetOrAMissingObjectFails() throws Exception {
        Path data = dataDir();
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        Catalog catalog = new Catalog(store, "demo");
        BackupFiles files = new BackupFiles(store, new ObjectCodec(Compression.NONE, Optional.empty()), catalog, 2);
        BackupFiles.Content content = files.upload("b1", data);

        BackupFile first = content.files().get(0);
        BackupRecord escaping = record(
                "b1",
                new BackupFiles.Content(
                        List.of(),
                        List.of(new BackupFile(
                                "../escaped", first.object(), first.size(), first.sha256(), first.storedSize()))));
        assertThatThrownBy(() -> files.download(escaping, tmp.resolve("t1"))).hasMessageContaining("outside");
        assertThat(tmp.resolve("escaped")).doesNotExist();
        BackupRecord escapingDir = record("b1", new BackupFiles.Content(List.of("../../evil"), List.of()));
        assertThatThrownBy(() -> files.download(escapingDir, tmp.resolve("t2"))).hasMessageContaining("outside");

        store.delete(catalog.objectKey("b1", 2));
        assertThatThrownBy(() -> files.download(record("b1", content), tmp.resolve("t3")))
                .hasMessageContaining("misses the object of base/1/1259");

        BackupFile wrong = new BackupFile(first.path(), first.object(), first.size(), "00".repeat(32), 1);
        BackupRecord lying = record("b1", new BackupFiles.Content(List.of(), List.of(wrong)));
        assertThatThrownBy(() -> files.download(lying, tmp.resolve("t4"))).hasMessageContaining("checksum");
    }

    @Test
    void copiesSeveralFilesAtOnceButNoMoreThanTheParallelism() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("many"));
        for (int i = 0; i < 12; i++) {
            Files.writeString(data.resolve("f" + i), "file " + i);
        }
        int parallelism = 3;
        ConcurrencyProbe store = new ConcurrencyProbe(new PosixBlobStore(tmp.resolve("repo")), parallelism);
        Catalog catalog = new Catalog(store, "demo");
        BackupFiles files =
                new BackupFiles(store, new ObjectCodec(Compression.ZSTD, Optional.empty()), catalog, parallelism);

        BackupFiles.Content content = files.upload("b1", data);
        assertThat(store.maxSeen.get()).isEqualTo(parallelism);

        store.reset();
        files.download(record("b1", content), tmp.resolve("out"));
        assertThat(store.maxSeen.get()).isEqualTo(parallelism);
        assertThat(tree(tmp.resolve("out"))).isEqualTo(tree(data));
    }

    /**
     * A store whose writes and reads wait (with a deadline) until {@code expected} of them run at
     * once: a serial copy fails the test instead of passing slowly.
     */
    private static final class ConcurrencyProbe implements BlobStore {
        private final BlobStore delegate;
        private final int expected;
        private final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxSeen = new AtomicInteger();
        private volatile CountDownLatch together;

        ConcurrencyProbe(BlobStore delegate, int expected) {
            this.delegate = delegate;
            this.expected = expected;
            reset();
        }

        void reset() {
            together = new CountDownLatch(expected);
            maxSeen.set(0);
        }

        private void enter() throws IOException {
            maxSeen.accumulateAndGet(running.incrementAndGet(), Math::max);
            together.countDown();
            try {
                if (!together.await(20, TimeUnit.SECONDS)) {
                    throw new IOException("never " + expected + " copies at once");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public boolean createIfAbsent(String key, Path source) throws IOException {
            return delegate.createIfAbsent(key, source);
        }

        @Override
        public void put(String key, Path source) throws IOException {
            enter();
            try {
                delegate.put(key, source);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public void putBytes(String key, byte[] bytes) throws IOException {
            delegate.putBytes(key, bytes);
        }

        @Override
        public Optional<InputStream> open(String key) throws IOException {
            enter();
            try {
                return delegate.open(key);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public Optional<byte[]> head(String key, int length) throws IOException {
            return delegate.head(key, length);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return delegate.list(prefix);
        }

        @Override
        public void delete(String key) throws IOException {
            delegate.delete(key);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }

    private Path dataDir() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("pgdata"));
        Files.createDirectories(data.resolve("base/1"));
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("pg_wal/archive_status"));
        Files.createDirectories(data.resolve("pg_notify"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        Files.write(data.resolve("global/pg_control"), new byte[8192]);
        Files.write(data.resolve("base/1/1259"), new byte[0]);
        byte[] big = new byte[3 * 1024 * 1024];
        new Random(1).nextBytes(big);
        for (int i = 0; i < big.length; i++) {
            big[i] = i % 8 == 0 ? big[i] : 0;
        }
        Files.write(data.resolve("base/1/16384"), big);
        return data;
    }

    private static BackupRecord record(String id, BackupFiles.Content content) {
        return BackupRecord.running(id, "demo", "backup-0", "pg-1", Instant.parse("2026-12-01T10:15:30Z"))
                .withContent(
                        1,
                        io.pgha.events.Lsn.parse("0/2000028"),
                        io.pgha.events.Lsn.parse("0/2000138"),
                        "000000010000000000000002",
                        "000000010000000000000002",
                        Instant.parse("2026-12-01T10:15:35Z"),
                        "1",
                        15,
                        "zstd",
                        false,
                        content.directories(),
                        content.files());
    }

    /** Relative path → "dir" or the file's content in hex, for a whole-tree comparison. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                tree.put(
                        rel,
                        Files.isDirectory(p) ? "dir" : java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        }
        return tree;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
