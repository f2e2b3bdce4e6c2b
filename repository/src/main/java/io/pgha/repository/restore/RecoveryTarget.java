package io.pgha.repository.restore;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pgha.events.Lsn;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where point-in-time recovery stops: exactly one of a time, an LSN, a transaction id, a named
 * restore point, {@code immediate} (as soon as the backup is consistent) or {@code latest} (the end
 * of the archive). The JSON form is the REST body's {@code target}: e.g. {@code {"time":
 * "2026-12-01T10:15:30Z"}}, {@code {"lsn": "0/3000060"}}, {@code {"latest": true}}.
 *
 * <p>{@code inclusive} (default true) stops just after the target rather than just before it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record RecoveryTarget(
        String time, String lsn, String xid, String name, Boolean immediate, Boolean latest, Boolean inclusive) {
    private static final Pattern XID = Pattern.compile("[0-9]{1,20}");
    private static final Pattern RESTORE_POINT = Pattern.compile("[A-Za-z0-9_.:-]{1,63}");

    public static RecoveryTarget latestTarget() {
        return new RecoveryTarget(null, null, null, null, null, true, null);
    }

    public static RecoveryTarget atTime(Instant time) {
        return new RecoveryTarget(time.toString(), null, null, null, null, null, null);
    }

    public static RecoveryTarget atLsn(Lsn lsn) {
        return new RecoveryTarget(null, lsn.toString(), null, null, null, null, null);
    }

    /** What is wrong with the target, each problem a sentence naming the field; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        int given = 0;
        if (time != null) {
            given++;
            try {
                Instant.parse(time);
            } catch (DateTimeParseException e) {
                problems.add("target.time '" + shown(time) + "' is not an ISO-8601 instant like 2026-12-01T10:15:30Z");
            }
        }
        if (lsn != null) {
            given++;
            try {
                Lsn.parse(lsn);
            } catch (RuntimeException e) {
                problems.add("target.lsn '" + shown(lsn) + "' is not an LSN like 0/3000060");
            }
        }
        if (xid != null) {
            given++;
            if (!XID.matcher(xid).matches() || !fitsUnsigned64(xid)) {
                problems.add("target.xid '" + shown(xid)
                        + "' is not a transaction id (digits only, at most 18446744073709551615)");
            }
        }
        if (name != null) {
            given++;
            if (!RESTORE_POINT.matcher(name).matches()) {
                problems.add("target.name '" + shown(name)
                        + "' is not a restore point name pgha accepts (1-63 of letters, digits, '_', '.', ':', '-')");
            }
        }
        if (Boolean.TRUE.equals(immediate)) {
            given++;
        }
        if (Boolean.TRUE.equals(latest)) {
            given++;
        }
        if (given != 1) {
            problems.add("give exactly one recovery target of time, lsn, xid, name, immediate or latest (" + given
                    + " given)");
        }
        if (inclusive != null && (Boolean.TRUE.equals(immediate) || Boolean.TRUE.equals(latest))) {
            problems.add("target.inclusive applies only to time, lsn, xid and name");
        }
        return problems;
    }

    /** Throws an IllegalArgumentException listing every problem, else returns this target. */
    public RecoveryTarget validated() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return this;
    }

    /** The instant, when the target is a time. */
    public Instant instant() {
        return time == null ? null : Instant.parse(time);
    }

    /**
     * The recovery parameters for postgresql.auto.conf (PostgreSQL 12+), for a validated target.
     * {@code recovery_target_action} is {@code promote}: the restored instance opens for writes on a
     * new timeline once it reached the target.
     */
    public Map<String, String> parameters() {
        validated();
        Map<String, String> p = new LinkedHashMap<>();
        if (time != null) {
            p.put("recovery_target_time", postgresTime(Instant.parse(time)));
        } else if (lsn != null) {
            p.put("recovery_target_lsn", Lsn.parse(lsn).toString());
        } else if (xid != null) {
            p.put("recovery_target_xid", xid);
        } else if (name != null) {
            p.put("recovery_target_name", name);
        } else if (Boolean.TRUE.equals(immediate)) {
            p.put("recovery_target", "immediate");
        }
        if (time != null || lsn != null || xid != null || name != null) {
            p.put("recovery_target_inclusive", inclusive == null || inclusive ? "on" : "off");
        }
        p.put("recovery_target_timeline", "latest");
        p.put("recovery_target_action", "promote");
        return p;
    }

    /**
     * An instant as recovery_target_time accepts it, {@code 2026-12-01 10:15:30.123456+00}: PostgreSQL
     * refuses zone abbreviations such as {@code Z} there (it reads them only after
     * timezone_abbreviations is set) and keeps microseconds.
     */
    public static String postgresTime(Instant t) {
        return POSTGRES_TIME.format(t);
    }

    private static final java.time.format.DateTimeFormatter POSTGRES_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'", java.util.Locale.ROOT)
                    .withZone(java.time.ZoneOffset.UTC);

    /** A short description for logs and events, e.g. {@code time 2026-12-01T10:15:30Z}. */
    public String describe() {
        if (time != null) {
            return "time " + time;
        }
        if (lsn != null) {
            return "lsn " + lsn;
        }
        if (xid != null) {
            return "xid " + xid;
        }
        if (name != null) {
            return "restore point " + name;
        }
        return Boolean.TRUE.equals(immediate) ? "immediate" : "latest";
    }

    private static boolean fitsUnsigned64(String digits) {
        try {
            Long.parseUnsignedLong(digits);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String shown(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
