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

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    static <K extends Comparable<K>, V> Map<K, V> map(Map<K, V> value) {
        return value == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(value));
    }
}
