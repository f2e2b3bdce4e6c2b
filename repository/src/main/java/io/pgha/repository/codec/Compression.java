package io.pgha.repository.codec;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/** How a stored object's content is compressed; the code is written into each object's header. */
public enum Compression {
    NONE(0),
    ZSTD(1),
    LZ4(2);

    /** zstd level 3: pgBackRest's default for zst, fast enough not to hold up the archiver. */
    private static final int ZSTD_LEVEL = 3;

    final int code;

    Compression(int code) {
        this.code = code;
    }

    /** The compression named in configuration ({@code zstd}, {@code lz4}, {@code none}). */
    public static Compression parse(String name, String property) {
        for (Compression c : values()) {
            if (c.name().equalsIgnoreCase(String.valueOf(name).trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException(property + "='" + name + "' is not a compression: use one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }

    static Compression of(int code) throws IOException {
        for (Compression c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new IOException("unknown compression code " + code + " in a repository object's header");
    }

    OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case ZSTD -> new ZstdOutputStream(out, ZSTD_LEVEL);
            case LZ4 -> new LZ4FrameOutputStream(out);
        };
    }

    InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case ZSTD -> new ZstdInputStream(in);
            case LZ4 -> new LZ4FrameInputStream(in);
        };
    }
}
