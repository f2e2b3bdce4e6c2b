package io.pgha.repository.codec;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * How a file is stored in the repository: a 48-byte header ("PGHA", format 1, compression,
 * encryption, the original size and SHA-256), then the content compressed and, when a key is
 * configured, encrypted. The header lets a writer compare content without reading the object, and a
 * reader check what it restored.
 */
public final class ObjectCodec {
    public static final int HEADER_BYTES = 48;
    private static final byte[] MAGIC = "PGHA".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;

    private final Compression compression;
    private final Optional<Encryption> encryption;

    public ObjectCodec(Compression compression, Optional<Encryption> encryption) {
        this.compression = compression;
        this.encryption = encryption;
    }

    /** What the header says of a stored object. */
    public record Header(Compression compression, boolean encrypted, long size, String sha256) {}

    /** The stored form of {@code plain}, written to {@code sealed}; returns its header. */
    public Header seal(Path plain, Path sealed) throws IOException {
        // one read of the plain file: the content goes after room for the header, which is written last
        MessageDigest sha = newSha256();
        long size;
        try (FileChannel channel = FileChannel.open(
                sealed, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.position(HEADER_BYTES);
            OutputStream file = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            OutputStream body = encryption.isPresent() ? encryption.get().encrypt(file) : file;
            try (OutputStream compressed = compression.compress(body);
                    InputStream in = new DigestInputStream(Files.newInputStream(plain), sha)) {
                size = in.transferTo(compressed);
            }
        }
        Header header = new Header(
                compression, encryption.isPresent(), size, HexFormat.of().formatHex(sha.digest()));
        try (FileChannel channel = FileChannel.open(sealed, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(encode(header));
            while (bytes.hasRemaining()) {
                channel.write(bytes, bytes.position());
            }
        }
        return header;
    }

    /**
     * Writes the original content of a stored object to {@code plain}, checking its size and
     * SHA-256 against the header. On any failure {@code plain} is removed.
     *
     * @throws IOException when the object is damaged, cut off, or encrypted with another key
     */
    public Header unseal(InputStream sealed, Path plain) throws IOException {
        try {
            return unsealOrThrow(sealed, plain);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(plain); // never leave a damaged file where a good one is expected
            throw e;
        }
    }

    private Header unsealOrThrow(InputStream sealed, Path plain) throws IOException {
        try (InputStream in = sealed) {
            Header header = decode(new DataInputStream(in).readNBytes(HEADER_BYTES));
            if (header.encrypted() && encryption.isEmpty()) {
                throw new IOException(
                        "the object is encrypted and no key is configured (pgha.repository.encryption-key-file)");
            }
            InputStream body = header.encrypted() ? encryption.get().decrypt(in) : in;
            MessageDigest sha = newSha256();
            long size;
            try (InputStream content =
                            new DigestInputStream(header.compression().decompress(body), sha);
                    OutputStream out = Files.newOutputStream(plain)) {
                size = content.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (size != header.size() || !actual.equals(header.sha256())) {
                throw new IOException("restored content does not match the object's checksum (expected "
                        + header.size() + " bytes sha256 " + header.sha256() + ", got " + size + " bytes sha256 "
                        + actual + "): the object is damaged");
            }
            return header;
        }
    }

    /** The header at the start of a stored object. */
    public static Header decode(byte[] bytes) throws IOException {
        if (bytes.length < HEADER_BYTES) {
            throw new IOException("not a pgha repository object: " + bytes.length + " bytes, shorter than its header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[4];
        buffer.get(magic);
        int format = buffer.get();
        if (!java.util.Arrays.equals(magic, MAGIC) || format != FORMAT) {
            throw new IOException("not a pgha repository object of format " + FORMAT);
        }
        Compression compression = Compression.of(buffer.get());
        int encryptedFlag = buffer.get();
        int reserved = buffer.get();
        if (encryptedFlag < 0 || encryptedFlag > 1 || reserved != 0) {
            throw new IOException("a repository object's header is damaged (encryption flag " + encryptedFlag
                    + ", reserved byte " + reserved + ")");
        }
        boolean encrypted = encryptedFlag == 1;
        long size = buffer.getLong();
        byte[] sha = new byte[32];
        buffer.get(sha);
        return new Header(compression, encrypted, size, HexFormat.of().formatHex(sha));
    }

    private static byte[] encode(Header header) {
        return ByteBuffer.allocate(HEADER_BYTES)
                .put(MAGIC)
                .put((byte) FORMAT)
                .put((byte) header.compression().code)
                .put((byte) (header.encrypted() ? 1 : 0))
                .put((byte) 0)
                .putLong(header.size())
                .put(HexFormat.of().parseHex(header.sha256()))
                .array();
    }

    /** Size and SHA-256 of a file's content. */
    public record Digest(long size, String sha256) {
        public static Digest of(Path file) throws IOException {
            MessageDigest sha = newSha256();
            long size;
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
            return new Digest(size, HexFormat.of().formatHex(sha.digest()));
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
