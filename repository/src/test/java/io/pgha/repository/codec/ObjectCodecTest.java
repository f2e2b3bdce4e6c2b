package io.pgha.repository.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectCodecTest {
    @TempDir
    Path tmp;

    @Test
    void everyCompressionWithAndWithoutEncryptionRoundTrips() throws Exception {
        // sizes around the encryption chunk (1 MiB) and an empty file
        int[] sizes = {0, 1, Encryption.CHUNK - 1, Encryption.CHUNK, Encryption.CHUNK + 1, 3 * Encryption.CHUNK + 5};
        for (Compression compression : Compression.values()) {
            for (boolean encrypted : new boolean[] {false, true}) {
                ObjectCodec codec = codec(compression, encrypted ? key(1) : null);
                for (int size : sizes) {
                    Path plain = content(size, size);
                    Path sealed = tmp.resolve("sealed");
                    ObjectCodec.Header header = codec.seal(plain, sealed);
                    ObjectCodec.Digest digest = ObjectCodec.Digest.of(plain);
                    assertThat(header).isEqualTo(new ObjectCodec.Header(compression, encrypted, size, digest.sha256()));
                    byte[] stored = Files.readAllBytes(sealed);
                    assertThat(ObjectCodec.decode(Arrays.copyOf(stored, ObjectCodec.HEADER_BYTES)))
                            .isEqualTo(header);
                    assertThat(new String(stored, 0, 4, "US-ASCII")).isEqualTo("PGHA");
                    if (compression != Compression.NONE && size > 1000) {
                        assertThat(stored.length)
                                .as(compression + " compresses")
                                .isLessThan(size / 2);
                    }

                    Path back = tmp.resolve("back");
                    assertThat(codec.unseal(Files.newInputStream(sealed), back)).isEqualTo(header);
                    assertThat(Files.mismatch(plain, back))
                            .as(compression + " encrypted=" + encrypted + " size=" + size)
                            .isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void aCutOffObjectFailsLoudlyAndLeavesNoOutput() throws Exception {
        for (Compression compression : Compression.values()) {
            for (boolean encrypted : new boolean[] {false, true}) {
                ObjectCodec codec = codec(compression, encrypted ? key(1) : null);
                byte[] stored = seal(codec, content(2 * Encryption.CHUNK + 100, 3));
                for (int cut : new int[] {
                    10, ObjectCodec.HEADER_BYTES, ObjectCodec.HEADER_BYTES + 20, stored.length / 2, stored.length - 1
                }) {
                    Path out = tmp.resolve("out");
                    assertThatThrownBy(() -> codec.unseal(new ByteArrayInputStream(Arrays.copyOf(stored, cut)), out))
                            .as(compression + " encrypted=" + encrypted + " cut at " + cut)
                            .isInstanceOf(java.io.IOException.class);
                    assertThat(out).doesNotExist();
                }
            }
        }
    }

    @Test
    void aWrongKeyOrNoKeyFailsWithAMessageNamingTheSetting() throws Exception {
        byte[] stored = seal(codec(Compression.ZSTD, key(1)), content(5000, 4));
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> codec(Compression.ZSTD, key(2)).unseal(new ByteArrayInputStream(stored), out))
                .hasMessageContaining("fails authentication")
                .hasMessageContaining("pgha.repository.encryption-key-file");
        assertThat(out).doesNotExist();
        assertThatThrownBy(() -> codec(Compression.ZSTD, null).unseal(new ByteArrayInputStream(stored), out))
                .hasMessageContaining("encrypted and no key is configured");
        assertThat(out).doesNotExist();
    }

    @Test
    void aFlippedByteAnywhereFailsLoudly() throws Exception {
        for (Compression compression : Compression.values()) {
            for (boolean encrypted : new boolean[] {false, true}) {
                ObjectCodec codec = codec(compression, encrypted ? key(1) : null);
                byte[] stored = seal(codec, content(Encryption.CHUNK + 4000, 5));
                Random random = new Random(compression.ordinal() * 2 + (encrypted ? 1 : 0));
                // every byte of the header, then bytes of the body
                for (int i = 0; i < ObjectCodec.HEADER_BYTES + 40; i++) {
                    int at = i < ObjectCodec.HEADER_BYTES
                            ? i
                            : ObjectCodec.HEADER_BYTES + random.nextInt(stored.length - ObjectCodec.HEADER_BYTES);
                    byte[] damaged = stored.clone();
                    damaged[at] ^= (byte) (1 << random.nextInt(8));
                    Path out = tmp.resolve("out");
                    assertThatThrownBy(() -> codec.unseal(new ByteArrayInputStream(damaged), out))
                            .as(compression + " encrypted=" + encrypted + " byte " + at)
                            .isInstanceOf(java.io.IOException.class);
                    assertThat(out).doesNotExist();
                }
            }
        }
    }

    @Test
    void encryptionHidesTheContentAndTwoSealsDiffer() throws Exception {
        ObjectCodec codec = codec(Compression.NONE, key(1));
        Path plain = tmp.resolve("plain");
        Files.writeString(plain, "a very recognisable secret row ".repeat(100));
        byte[] first = seal(codec, plain);
        byte[] second = seal(codec, plain);
        assertThat(new String(first, "ISO-8859-1")).doesNotContain("recognisable");
        assertThat(Arrays.copyOfRange(first, ObjectCodec.HEADER_BYTES, first.length))
                .isNotEqualTo(Arrays.copyOfRange(second, ObjectCodec.HEADER_BYTES, second.length));
    }

    @Test
    void badSettingsNameTheProperty() throws Exception {
        assertThatThrownBy(() -> Compression.parse("gzip", "pgha.repository.compression"))
                .hasMessageContaining("pgha.repository.compression='gzip'")
                .hasMessageContaining("zstd");
        assertThat(Compression.parse(" LZ4 ", "p")).isEqualTo(Compression.LZ4);
        Path shortKey = tmp.resolve("short");
        Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> Encryption.fromKeyFile(shortKey, "pgha.repository.encryption-key-file"))
                .hasMessageContaining("pgha.repository.encryption-key-file")
                .hasMessageContaining("32 random bytes");
        assertThatThrownBy(() -> Encryption.fromKeyFile(tmp.resolve("missing"), "pgha.repository.encryption-key-file"))
                .hasMessageContaining("cannot read");
        Path garbage = tmp.resolve("garbage");
        Files.writeString(garbage, "not base64 at all!");
        assertThatThrownBy(() -> Encryption.fromKeyFile(garbage, "k")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectCodec.decode(new byte[48])).hasMessageContaining("not a pgha repository object");
        assertThatThrownBy(() -> ObjectCodec.decode(new byte[3])).hasMessageContaining("shorter than its header");
    }

    private ObjectCodec codec(Compression compression, Path keyFile) {
        return new ObjectCodec(
                compression,
                Optional.ofNullable(keyFile)
                        .map(f -> Encryption.fromKeyFile(f, "pgha.repository.encryption-key-file")));
    }

    private byte[] seal(ObjectCodec codec, Path plain) throws Exception {
        Path sealed = Files.createTempFile(tmp, "sealed", "");
        codec.seal(plain, sealed);
        return Files.readAllBytes(sealed);
    }

    private Path key(int seed) throws Exception {
        byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        Path file = tmp.resolve("key-" + seed);
        Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
        return file;
    }

    /** Compressible but not trivial content. */
    private Path content(int size, int seed) throws Exception {
        byte[] bytes = new byte[size];
        Random random = new Random(seed);
        for (int i = 0; i < size; i += 16) {
            bytes[i] = (byte) random.nextInt();
        }
        Path file = Files.createTempFile(tmp, "plain", "");
        Files.write(file, bytes);
        return file;
    }
}
