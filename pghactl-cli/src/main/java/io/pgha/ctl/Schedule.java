package io.pgha.ctl;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@code --scheduled}: {@code now} (or nothing) for at once, an ISO 8601 time with an offset, or a local
 * time ({@code 2026-12-02T14:30}) in {@code zone}. Pure.
 */
public final class Schedule {
    private Schedule() {}

    /** The moment, empty for now; a usage error for anything else or for a time in the past. */
    public static Optional<OffsetDateTime> parse(String text, ZoneId zone, Instant now) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("now")) {
            return Optional.empty();
        }
        String t = text.strip().replace(' ', 'T');
        OffsetDateTime at;
        try {
            boolean zoned = t.endsWith("Z") || t.matches(".*T.*[+-]\\d\\d:?\\d\\d$");
            at = zoned
                    ? OffsetDateTime.parse(t)
                    : LocalDateTime.parse(t).atZone(zone).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            throw CtlException.usage("--scheduled '" + text + "' is not a time: write now, 2026-12-02T14:30 (local"
                    + " time) or 2026-12-02T14:30:00+01:00");
        }
        if (at.toInstant().isBefore(now)) {
            throw CtlException.usage("--scheduled " + text + " is in the past (now is " + now + ")");
        }
        return Optional.of(at);
    }
}
