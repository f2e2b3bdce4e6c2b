package io.pgha.events;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks in the records' constructors, so an event is complete both when built and when parsed. */
final class Require {
    private Require() {}

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing: it is required in every event of this type");
        }
        if (value instanceof String text && text.isBlank()) {
            throw new IllegalArgumentException(field + " is blank: it is required in every event of this type");
        }
        return value;
    }

    /**
     * A name that becomes an alert label value (a database or a user): present, at most
     * {@code maxBytes} UTF-8 bytes, no control characters.
     */
    static String label(String value, String field, int maxBytes) {
        present(value, field);
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxBytes) {
            throw new IllegalArgumentException(
                    field + " is longer than " + maxBytes + " bytes: no PostgreSQL or PgBouncer name is");
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " contains a control character: no usable name does");
        }
        return value;
    }

    static long notNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " is " + value + ": it cannot be negative");
        }
        return value;
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    static <K extends Comparable<K>, V> Map<K, V> map(Map<K, V> value) {
        return value == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(value));
    }
}
