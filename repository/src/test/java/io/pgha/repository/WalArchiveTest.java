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
