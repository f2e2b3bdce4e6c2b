package io.pgha.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.Encryption;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalConflictException;
import io.pgha.repository.wal.WalName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalArchiveTest {
    @TempDir
    Path tmp;

    @Test
    void pushIsIdempotentAndRefusesDifferentContentWithoutOverwriting() throws Exception {
        for (Compression compression : Compression.values()) {
            for (boolean encrypted : new boolean[] {false, true}) {
                Path repo = Files.createDirectories(tmp.resolve(compression + "-" + encrypted));
                WalArchive archive = new WalArchive(new PosixBlobStore(repo), codec(compression, encrypted), "demo");
                WalName name = WalName.parse("000000010000000000000003");
                Path segment = segment(1);
                Path other = segment(2);

                assertThat(archive.push(name, segment)).isEqualTo(WalArchive.Pushed.ARCHIVED);
                assertThat(archive.push(name, segment)).isEqualTo(WalArchive.Pushed.ALREADY_ARCHIVED);
                assertThatThrownBy(() -> archive.push(name, other))
                        .isInstanceOf(WalConflictException.class)
                        .hasMessageContaining("already archived with different content");

                Path fetched = tmp.resolve("fetched");
                assertThat(archive.fetch(name, fetched)).isTrue();
                assertThat(Files.readAllBytes(fetched)).isEqualTo(Files.readAllBytes(segment));
                assertThat(archive.fetch(WalName.parse("000000010000000000000004"), tmp.resolve("none")))
                        .isFalse();
                assertThat(archive.list()).containsExactly(name);
            }
        }
    }

    /**
     * The layout node-agent's restore_command checks without a fork (ArchiveCommands.localArchive): a
     * posix archive holds each WAL file at {@code <localFolder>/<its first 8 characters>/<its name>}, and
     * only once it is archived whole.
     */
    @Test
    void aPosixArchiveKeepsEachFileUnderItsTimelineInItsLocalFolder() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("layout"));
        WalArchive archive = new WalArchive(new PosixBlobStore(repo), codec(Compression.ZSTD, true), "demo");
        Path folder = archive.localFolder().orElseThrow();
        assertThat(folder).isEqualTo(repo.toAbsolutePath().resolve("demo/wal"));
        for (String file : new String[] {"00000003000000000000000A", "00000003.history"}) {
            WalName name = WalName.parse(file);
            assertThat(folder.resolve(file.substring(0, 8)).resolve(file)).doesNotExist();
            archive.push(name, segment(3));
            assertThat(folder.resolve(file.substring(0, 8)).resolve(file)).isRegularFile();
        }
    }

    @Test
    void aDamagedObjectIsNeverRestoredSilently() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        WalArchive archive = new WalArchive(new PosixBlobStore(repo), codec(Compression.ZSTD, true), "demo");
        WalName name = WalName.parse("000000020000000000000007");
        archive.push(name, segment(3));
        Path stored = repo.resolve("demo/wal/00000002/000000020000000000000007");
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(stored, bytes);

        assertThatThrownBy(() -> archive.fetch(name, tmp.resolve("out"))).hasMessageContaining("fails authentication");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void concurrentPushesOfOneSegmentArchiveItOnceAndTellTheOthersItIsThere() throws Exception {
        WalArchive archive = new WalArchive(
                new PosixBlobStore(Files.createDirectories(tmp.resolve("repo"))),
                codec(Compression.ZSTD, false),
                "demo");
        WalName name = WalName.parse("000000010000000000000009");
        Path segment = segment(5);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<WalArchive.Pushed>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return archive.push(name, segment);
                }));
            }
            start.countDown();
            java.util.List<WalArchive.Pushed> outcomes = new java.util.ArrayList<>();
            for (var result : results) {
                outcomes.add(result.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(outcomes).containsOnlyOnce(WalArchive.Pushed.ARCHIVED);
            assertThat(outcomes)
                    .filteredOn(o -> o == WalArchive.Pushed.ALREADY_ARCHIVED)
                    .hasSize(7);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWriterThatLosesTheRaceComparesWithWhatTheWinnerStored() throws Exception {
        PosixBlobStore posix = new PosixBlobStore(Files.createDirectories(tmp.resolve("repo")));
        ObjectCodec codec = codec(Compression.LZ4, false);
        WalName name = WalName.parse("00000001000000000000000A");
        for (boolean sameContent : new boolean[] {true, false}) {
            Path mine = segment(6);
            Path winners = sameContent ? mine : segment(7);
            String cluster = sameContent ? "same" : "different";
            // the other writer stores its copy between our header check and our create
            io.pgha.repository.store.BlobStore racing = new DelegatingStore(posix) {
                @Override
                public boolean createIfAbsent(String key, Path source) throws java.io.IOException {
                    Path sealed = tmp.resolve("winner-" + cluster);
                    codec.seal(winners, sealed);
                    assertThat(posix.createIfAbsent(key, sealed)).isTrue();
                    return posix.createIfAbsent(key, source);
                }
            };
            WalArchive archive = new WalArchive(racing, codec, cluster);
            if (sameContent) {
                assertThat(archive.push(name, mine)).isEqualTo(WalArchive.Pushed.ALREADY_ARCHIVED);
            } else {
                assertThatThrownBy(() -> archive.push(name, mine)).isInstanceOf(WalConflictException.class);
                Path fetched = tmp.resolve("fetched");
                assertThat(new WalArchive(posix, codec, cluster).fetch(name, fetched))
                        .isTrue();
                assertThat(Files.mismatch(fetched, winners)).isEqualTo(-1);
            }
        }
    }

    /** A store that forwards everything (tests override one method). */
    private static class DelegatingStore implements io.pgha.repository.store.BlobStore {
        private final io.pgha.repository.store.BlobStore delegate;

        DelegatingStore(io.pgha.repository.store.BlobStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean createIfAbsent(String key, Path source) throws java.io.IOException {
            return delegate.createIfAbsent(key, source);
        }

        @Override
        public void put(String key, Path source) throws java.io.IOException {
            delegate.put(key, source);
        }

        @Override
        public void putBytes(String key, byte[] bytes) throws java.io.IOException {
            delegate.putBytes(key, bytes);
        }

        @Override
        public Optional<java.io.InputStream> open(String key) throws java.io.IOException {
            return delegate.open(key);
        }

        @Override
        public Optional<byte[]> head(String key, int length) throws java.io.IOException {
            return delegate.head(key, length);
        }

        @Override
        public java.util.List<String> list(String prefix) throws java.io.IOException {
            return delegate.list(prefix);
        }

        @Override
        public void delete(String key) throws java.io.IOException {
            delegate.delete(key);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }

    private ObjectCodec codec(Compression compression, boolean encrypted) throws Exception {
        Optional<Encryption> encryption = Optional.empty();
        if (encrypted) {
            byte[] key = new byte[32];
            new Random(7).nextBytes(key);
            Path keyFile = tmp.resolve("key");
            Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
            encryption = Optional.of(Encryption.fromKeyFile(keyFile, "pgha.repository.encryption-key-file"));
        }
        return new ObjectCodec(compression, encryption);
    }

    private Path segment(int seed) throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        Random random = new Random(seed);
        for (int i = 0; i < content.length; i += 64) {
            content[i] = (byte) random.nextInt();
        }
        Path file = tmp.resolve("segment-" + seed);
        Files.write(file, content);
        return file;
    }
}
