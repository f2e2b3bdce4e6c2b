package io.pgha.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what a {@code /metrics} endpoint answers (Prometheus text format 0.0.4): the samples, so that
 * a test can assert a value of a metric with given labels instead of a substring of the text.
 */
public final class PrometheusText {
    private PrometheusText() {}

    /** One sample line: {@code name{labels} value [timestamp]}. */
    public record Sample(String name, Map<String, String> labels, double value) {
        /** Every label of {@code wanted} is present with that value (others may be too). */
        public boolean has(Map<String, String> wanted) {
            return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    /** Every sample of {@code text}; comment, HELP and TYPE lines are skipped. */
    public static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                samples.add(sample(l));
            }
        }
        return samples;
    }

    /** The value of the first sample of {@code name} carrying {@code labels}, if there is one. */
    public static Optional<Double> value(String text, String name, Map<String, String> labels) {
        return parse(text).stream()
                .filter(s -> s.name().equals(name) && s.has(labels))
                .map(Sample::value)
                .findFirst();
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        int rest;
        String name;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            rest = labels(line, brace + 1, labels);
        } else if (space > 0) {
            name = line.substring(0, space);
            rest = space;
        } else {
            throw new IllegalArgumentException("not a sample line: " + line);
        }
        String[] valueAndTime = line.substring(rest).strip().split("\\s+");
        return new Sample(name, labels, Double.parseDouble(valueAndTime[0]));
    }

    /** Reads {@code k="v",...}} from {@code from}; returns the index after the closing brace. */
    private static int labels(String line, int from, Map<String, String> labels) {
        int i = from;
        while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("bad labels in: " + line);
            }
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            if (j >= line.length()) {
                throw new IllegalArgumentException("unterminated label value in: " + line);
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        if (i >= line.length()) {
            throw new IllegalArgumentException("labels not closed in: " + line);
        }
        return i + 1;
    }
}
