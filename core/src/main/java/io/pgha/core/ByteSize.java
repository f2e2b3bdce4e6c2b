package io.pgha.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as PostgreSQL and Patroni write them: a plain number of bytes ({@code 1048576}) or a number
 * with a unit ({@code 16MB}, {@code 512kB}, {@code 1GB}, {@code 1MiB}); units are powers of 1024.
 */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d{1,18})\\s*([A-Za-z]*)\\s*");

    private ByteSize() {}

    /** The number of bytes in {@code text}; throws with the reason when it is not a size. */
    public static long parse(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text
                            + "' is not a size: use a whole number of bytes or a number with a unit (B, kB, MB, GB, TB), e.g. 16MB");
        }
        long number = Long.parseLong(m.group(1));
        long factor =
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "", "b" -> 1L;
                    case "k", "kb", "kib" -> 1L << 10;
                    case "m", "mb", "mib" -> 1L << 20;
                    case "g", "gb", "gib" -> 1L << 30;
                    case "t", "tb", "tib" -> 1L << 40;
                    default -> throw new IllegalArgumentException(
                            "'" + text + "' has an unknown unit '" + m.group(2) + "': use B, kB, MB, GB or TB");
                };
        if (number > Long.MAX_VALUE / factor) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return number * factor;
    }
}
