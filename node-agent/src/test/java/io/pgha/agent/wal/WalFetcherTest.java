package io.pgha.agent.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalFetcherTest {
    @TempDir
    Path tmp;

    @Test
    void servesFromTheArchivePrefetchesTheNextSegmentsAndCleansTheSpool() throws Exception {
        WalArchive archive = new WalArchive(
                new PosixBlobStore(tmp.resolve("repo")), new ObjectCodec(Compression.ZSTD, Optional.empty()), "c1");
        byte[][] contents = new byte[6][];
        WalName first = WalName.parse("000000010000000000000001");
        WalName name = first;
        for (int i = 0; i < 6; i++) {
            contents[i] = new byte[32 * 1024];
            new Random(i).nextBytes(contents[i]);
            Path f = tmp.resolve("seg" + i);
            Files.write(f, contents[i]);
            archive.push(name, f);
            name = name.next();
        }
        Path spool = tmp.resolve("spool");
        try (WalFetcher fetcher = new WalFetcher(c -> archive, spool, 3, () -> {})) {
            Path served = fetcher.fetch("c1", first).orElseThrow();
            assertThat(Files.readAllBytes(served)).isEqualTo(contents[0]);
            fetcher.served(served);
            // the next 3 land in the spool without being asked for
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (spooled(spool.resolve("c1")) < 3 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(spooled(spool.resolve("c1"))).isEqualTo(3);
            Path third = fetcher.fetch("c1", first.next().next()).orElseThrow();
            assertThat(Files.readAllBytes(third)).isEqualTo(contents[2]);
            fetcher.served(third);
            // segment 2 was passed over: removed; the spool keeps at most the prefetch window
            assertThat(Files.exists(spool.resolve("c1").resolve(first.next().name())))
                    .isFalse();
            assertThat(fetcher.fetch("c1", WalName.parse("000000010000000000000020")))
                    .isEmpty();
            assertThat(fetcher.fetch("c1", WalName.parse("00000002.history"))).isEmpty();
        }
    }

    private static long spooled(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> WalName.isValid(p.getFileName().toString()))
                    .count();
        }
    }
}
