package io.pgha.repository.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Client-side AES-256-GCM in chunks of 1 MiB, so that neither side holds a whole file in memory.
 * Each chunk has its own nonce (a random 8-byte prefix per object + the chunk's number) and is
 * authenticated together with its number and whether it is the last, so chunks cannot be
 * reordered, dropped or cut off unnoticed. Framing: a 4-byte length, then the ciphertext with its
 * 16-byte tag.
 */
public final class Encryption {
    static final int CHUNK = 1 << 20;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private Encryption(SecretKey key) {
        this.key = key;
    }

    /**
     * The key in the file's first line: 32 bytes in base64 (e.g. {@code openssl rand -base64 32}).
     *
     * @param property the configuration property that named the file, for the error message
     */
    public static Encryption fromKeyFile(Path file, String property) {
        String line;
        try {
            line = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .findFirst()
                    .orElse("")
                    .trim();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    property + ": cannot read the encryption key file " + file + ": " + e.getMessage());
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException(property + ": the first line of " + file
                    + " must be 32 random bytes in base64 (make one with 'openssl rand -base64 32')");
        }
        return new Encryption(new SecretKeySpec(raw, "AES"));
    }

    OutputStream encrypt(OutputStream out) throws IOException {
        byte[] prefix = new byte[8];
        RANDOM.nextBytes(prefix);
        out.write(prefix);
        return new ChunkWriter(out, prefix);
    }

    InputStream decrypt(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in));
        byte[] prefix = new byte[8];
        data.readFully(prefix);
        return new ChunkReader(data, prefix);
    }

    private Cipher cipher(int mode, byte[] prefix, long chunk, boolean last) throws IOException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] nonce =
                    ByteBuffer.allocate(12).put(prefix).putInt((int) chunk).array();
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(ByteBuffer.allocate(9)
                    .putLong(chunk)
                    .put((byte) (last ? 1 : 0))
                    .array());
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    private final class ChunkWriter extends FilterOutputStream {
        private final byte[] prefix;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(CHUNK);
        private long chunk;
        private boolean closed;

        ChunkWriter(OutputStream out, byte[] prefix) {
            super(out);
            this.prefix = prefix;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (buffer.size() == CHUNK) {
                    emit(false);
                }
                int n = Math.min(len, CHUNK - buffer.size());
                buffer.write(b, off, n);
                off += n;
                len -= n;
            }
        }

        private void emit(boolean last) throws IOException {
            try {
                byte[] sealed =
                        cipher(Cipher.ENCRYPT_MODE, prefix, chunk++, last).doFinal(buffer.toByteArray());
                out.write(ByteBuffer.allocate(4).putInt(sealed.length).array());
                out.write(sealed);
                buffer.reset();
            } catch (GeneralSecurityException e) {
                throw new IOException("encryption failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                emit(true);
                out.close();
            }
        }
    }

    private final class ChunkReader extends InputStream {
        private final DataInputStream in;
        private final byte[] prefix;
        private byte[] plain = new byte[0];
        private int pos;
        private long chunk;
        private boolean done;

        ChunkReader(DataInputStream in, byte[] prefix) {
            this.in = in;
            this.prefix = prefix;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pos == plain.length) {
                if (done) {
                    return -1;
                }
                next();
            }
            int n = Math.min(len, plain.length - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        private void next() throws IOException {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException e) {
                throw new IOException("an encrypted repository object ends before its last chunk (cut off)");
            }
            if (length < 16 || length > CHUNK + 16) {
                throw new IOException("an encrypted repository object has a chunk of " + length + " bytes: damaged");
            }
            byte[] sealed = new byte[length];
            in.readFully(sealed);
            boolean last = peekEnd();
            try {
                plain = cipher(Cipher.DECRYPT_MODE, prefix, chunk, last).doFinal(sealed);
            } catch (GeneralSecurityException e) {
                throw new IOException("an encrypted repository object fails authentication at chunk " + chunk
                        + ": wrong key (pgha.repository.encryption-key-file) or damaged object");
            }
            chunk++;
            pos = 0;
            done = last;
        }

        private boolean peekEnd() throws IOException {
            in.mark(1);
            int next = in.read();
            if (next < 0) {
                return true;
            }
            in.reset();
            return false;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
