package io.pgha.ctl;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --duration 1h30m}: Alertmanager's (Go's) duration form, {@code d}, {@code h}, {@code m}, {@code s}. Pure. */
public final class DurationText {
    private static final Pattern PART = Pattern.compile("(\\d+)([dhms])");

    private DurationText() {}

    /** The duration, or a usage error naming {@code option}; zero and negative ones are refused. */
    public static Duration parse(String text, String option) {
        String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "d" -> Duration.ofDays(n);
                        case "h" -> Duration.ofHours(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofSeconds(n);
                    });
            end = m.end();
        }
        if (t.isEmpty() || end != t.length() || total.isZero()) {
            throw CtlException.usage(option + " '" + text + "' is not a duration: write e.g. 30m, 1h, 2h30m or 1d");
        }
        return total;
    }
}
