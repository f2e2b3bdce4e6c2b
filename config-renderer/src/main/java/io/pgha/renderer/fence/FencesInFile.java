package io.pgha.renderer.fence;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fences a rendered file carries (pure): the {@code # fenced <member> for the detach of epoch <N>}
 * lines inside {@code backend <cluster>_rw}. Read at start, so a renderer that restarts keeps the fences
 * its previous run rendered (config-renderer's DESIGN.md, "Fencing").
 */
public final class FencesInFile {
    private static final Pattern BACKEND = Pattern.compile("^backend (\\S+)_rw\\s*$");
    private static final Pattern FENCED = Pattern.compile("^\\s*# fenced (\\S+) for the detach of epoch (\\d+)\\s*$");

    private FencesInFile() {}

    /** cluster → member → epoch. */
    public static Map<String, Map<String, Long>> parse(String text) {
        Map<String, Map<String, Long>> fences = new TreeMap<>();
        String cluster = null;
        for (String line : text.split("\n")) {
            Matcher backend = BACKEND.matcher(line);
            if (backend.find()) {
                cluster = backend.group(1);
                continue;
            }
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                cluster = null; // another section
                continue;
            }
            Matcher fenced = FENCED.matcher(line);
            if (cluster != null && fenced.find()) {
                fences.computeIfAbsent(cluster, c -> new TreeMap<>())
                        .put(fenced.group(1), Long.parseLong(fenced.group(2)));
            }
        }
        return fences;
    }
}
