package io.pgha.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * A PostgreSQL write-ahead log position (pg_lsn), written as PostgreSQL writes it: {@code 0/3000060}
 * (high and low 32 bits in upper-case hex). Ordered as an unsigned 64-bit number; the difference of
 * two positions is a number of bytes of WAL.
 */
public record Lsn(long value) implements Comparable<Lsn> {
    /** {@code 0/0}: no position (PostgreSQL's InvalidXLogRecPtr). */
    public static final Lsn ZERO = new Lsn(0);

    private static final Pattern FORM = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    /** {@link #parse} of a position that may be unknown: null for null (SQL NULL, an absent JSON field). */
    public static Lsn parseNullable(String text) {
        return text == null ? null : parse(text);
    }

    /**
     * Parses {@code text} in PostgreSQL's {@code X/Y} form.
     *
     * @throws IllegalArgumentException naming the text and the expected form when it is not one
     */
    @JsonCreator
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("an LSN is missing: expected the form 0/3000060");
        }
        if (!FORM.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an LSN: expected two hex numbers of at most 8 digits, as in 0/3000060");
        }
        int slash = text.indexOf('/');
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return new Lsn(high << 32 | low);
    }

    /** Bytes of WAL from {@code other} to this position (negative when {@code other} is ahead). */
    public long minus(Lsn other) {
        return value - other.value;
    }

    /** The position {@code bytes} further on. */
    public Lsn plus(long bytes) {
        return new Lsn(value + bytes);
    }

    /** True when this position is past {@code other}. */
    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    /** PostgreSQL's form, {@code 0/3000060}. */
    @JsonValue
    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/"
                + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
