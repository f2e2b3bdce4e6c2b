package io.pgha.repository.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixBlobStoreTest {
    @TempDir
    Path tmp;

    @Test
    void createIfAbsentWritesOnceAndNeverReplaces() throws Exception {
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        assertThat(store.createIfAbsent("c/wal/1/a", file("first"))).isTrue();
        assertThat(store.createIfAbsent("c/wal/1/a", file("second"))).isFalse();
        assertThat(read(store, "c/wal/1/a")).isEqualTo("first");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void ofManyConcurrentWritersOfOneKeyExactlyOneWinsAndItsContentIsKept() throws Exception {
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        int writers = 16;
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            sources.add(file("writer-" + i + "-" + "x".repeat(100_000)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 20; round++) {
                String key = "c/wal/00000001/key-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (Path source : sources) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return store.createIfAbsent(key, source);
                    }));
                }
                start.countDown();
                List<Integer> winners = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    if (results.get(i).get(30, TimeUnit.SECONDS)) {
                        winners.add(i);
                    }
                }
                assertThat(winners).hasSize(1);
                assertThat(read(store, key)).startsWith("writer-" + winners.get(0) + "-");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void putReplacesAtomicallyAndReadersSeeOldOrNewNeverHalf() throws Exception {
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        String a = "a".repeat(2_000_000);
        String b = "b".repeat(2_000_000);
        Path fileA = file(a);
        Path fileB = file(b);
        store.put("c/backups/1/backup.json", fileA);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> writes = writer.submit(() -> {
                for (int i = 0; i < 30; i++) {
                    store.put("c/backups/1/backup.json", i % 2 == 0 ? fileB : fileA);
                }
                return null;
            });
            while (!writes.isDone()) {
                String seen = read(store, "c/backups/1/backup.json");
                assertThat(seen.equals(a) || seen.equals(b))
                        .as("a whole object, not a mix")
                        .isTrue();
            }
            writes.get();
        } finally {
            writer.shutdownNow();
        }
        store.putBytes("c/backups/1/backup.json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(read(store, "c/backups/1/backup.json")).isEqualTo("{}");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void listIsSortedRecursiveAndSkipsTemporaryFiles() throws Exception {
        Path root = tmp.resolve("repo");
        PosixBlobStore store = new PosixBlobStore(root);
        store.putBytes("c/wal/00000002/b", new byte[] {1});
        store.putBytes("c/wal/00000001/a", new byte[] {1});
        store.putBytes("c/backups/x/backup.json", new byte[] {1});
        store.putBytes("other/wal/00000001/a", new byte[] {1});
        Files.writeString(root.resolve("c/wal/00000001/.tmp-123"), "half written");

        assertThat(store.list("c/wal/")).containsExactly("c/wal/00000001/a", "c/wal/00000002/b");
        assertThat(store.list(""))
                .containsExactly(
                        "c/backups/x/backup.json", "c/wal/00000001/a", "c/wal/00000002/b", "other/wal/00000001/a");
        assertThat(store.list("nothing/")).isEmpty();
        assertThatThrownBy(() -> store.list("c/wal")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.putBytes("c/wal/00000001/.tmp-x", new byte[0]))
                .hasMessageContaining("store's own");
    }

    @Test
    void openHeadAndDeleteOfMissingObjectsAreEmptyNotErrors() throws Exception {
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        assertThat(store.open("c/none")).isEmpty();
        assertThat(store.head("c/none", 48)).isEmpty();
        store.delete("c/none");

        store.putBytes("c/wal/1/a", "0123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(store.head("c/wal/1/a", 4))
                .hasValueSatisfying(h -> assertThat(h).containsExactly('0', '1', '2', '3'));
        assertThat(store.head("c/wal/1/a", 48))
                .hasValueSatisfying(h -> assertThat(h).hasSize(10));
        store.delete("c/wal/1/a");
        assertThat(store.open("c/wal/1/a")).isEmpty();
        assertThat(tmp.resolve("repo/c"))
                .as("empty folders go with their last object")
                .doesNotExist();
        assertThat(tmp.resolve("repo")).exists();
    }

    @Test
    void keysCannotLeaveTheRoot() throws Exception {
        PosixBlobStore store = new PosixBlobStore(tmp.resolve("repo"));
        Path outside = file("secret");
        for (String hostile : List.of("../escape", "c/../../escape", "/abs")) {
            assertThatThrownBy(() -> store.put(hostile, outside)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.open(hostile)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(hostile)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(tmp.resolve("escape")).doesNotExist();
        assertThat(store.describe()).contains(tmp.resolve("repo").toString());
    }

    private Path file(String content) throws Exception {
        Path file = Files.createTempFile(tmp, "src-", "");
        Files.writeString(file, content);
        return file;
    }

    private static String read(BlobStore store, String key) throws Exception {
        try (InputStream in = store.open(key).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private List<Path> leftovers() throws Exception {
        try (Stream<Path> walk = Files.walk(tmp.resolve("repo"))) {
            return walk.filter(p -> p.getFileName().toString().startsWith(".tmp-"))
                    .toList();
        }
    }
}
