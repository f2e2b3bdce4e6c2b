package io.pgha.repository.wal;

import io.pgha.events.Lsn;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file name PostgreSQL hands to archive_command or asks of restore_command: a segment
 * ({@code 000000010000000000000003}), a partial segment ({@code ….partial}), a timeline history
 * file ({@code 00000002.history}) or a backup history file ({@code ….00000028.backup}). Anything else
 * is refused, so that a name from a request can never become a path of its own choosing.
 */
public record WalName(String name, Kind kind, int timeline, long segmentNumber) implements Comparable<WalName> {
    /** The kinds of file in the archive. */
    public enum Kind {
        SEGMENT,
        PARTIAL,
        HISTORY,
        BACKUP_LABEL
    }

    /** PostgreSQL's default (and pgha's only supported) segment size. */
    public static final long SEGMENT_BYTES = 16L * 1024 * 1024;

    private static final long SEGMENTS_PER_XLOGID = 0x1_0000_0000L / SEGMENT_BYTES;
    private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})");
    private static final Pattern PARTIAL = Pattern.compile(SEGMENT.pattern() + "\\.partial");
    private static final Pattern HISTORY = Pattern.compile("([0-9A-F]{8})\\.history");
    private static final Pattern BACKUP = Pattern.compile(SEGMENT.pattern() + "\\.[0-9A-F]{8}\\.backup");

    /**
     * Refuses a name that is not a WAL file name, or fields that do not match it, also when the
     * record is built directly rather than through {@link #parse}: a WalName is always safe to use
     * in a key or a path.
     */
    public WalName {
        if (name == null
                || kind == null
                || !(SEGMENT.matcher(name).matches()
                        || PARTIAL.matcher(name).matches()
                        || HISTORY.matcher(name).matches()
                        || BACKUP.matcher(name).matches())
                || timeline != Integer.parseUnsignedInt(name.substring(0, 8), 16)) {
            throw new IllegalArgumentException("not a WAL file name: '" + shown(name) + "' (" + ACCEPTED + ")");
        }
    }

    /** The name parsed, or an IllegalArgumentException that says which names are accepted. */
    public static WalName parse(String name) {
        String n = String.valueOf(name);
        Matcher m;
        if ((m = SEGMENT.matcher(n)).matches()) {
            return segment(n, Kind.SEGMENT, m);
        }
        if ((m = PARTIAL.matcher(n)).matches()) {
            return segment(n, Kind.PARTIAL, m);
        }
        if ((m = BACKUP.matcher(n)).matches()) {
            return segment(n, Kind.BACKUP_LABEL, m);
        }
        if ((m = HISTORY.matcher(n)).matches()) {
            return new WalName(n, Kind.HISTORY, Integer.parseUnsignedInt(m.group(1), 16), -1);
        }
        throw new IllegalArgumentException("not a WAL file name: '" + shown(n) + "' (" + ACCEPTED + ")");
    }

    private static final String ACCEPTED = "expected a segment like 000000010000000000000003, its .partial, a"
            + " backup history file like 000000010000000000000003.00000028.backup, or a history file like"
            + " 00000002.history";

    private static String shown(String name) {
        String shown = String.valueOf(name).replaceAll("\\p{Cntrl}", "?");
        return shown.length() > 64 ? shown.substring(0, 64) + "…" : shown;
    }

    /** Whether the text is an acceptable WAL file name. */
    public static boolean isValid(String name) {
        try {
            parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static WalName segment(String name, Kind kind, Matcher m) {
        int timeline = Integer.parseUnsignedInt(m.group(1), 16);
        long log = Long.parseLong(m.group(2), 16);
        long seg = Long.parseLong(m.group(3), 16);
        if (seg >= SEGMENTS_PER_XLOGID) {
            throw new IllegalArgumentException("not a WAL segment name of 16 MB segments: '" + name + "'");
        }
        return new WalName(name, kind, timeline, log * SEGMENTS_PER_XLOGID + seg);
    }

    /** The segment of the timeline that holds the LSN. */
    public static WalName segmentOf(int timeline, Lsn lsn) {
        return ofSegment(timeline, Long.divideUnsigned(lsn.value(), SEGMENT_BYTES));
    }

    /** The segment with that number on that timeline. */
    public static WalName ofSegment(int timeline, long segmentNumber) {
        String name = String.format(
                Locale.ROOT,
                "%08X%08X%08X",
                timeline,
                segmentNumber / SEGMENTS_PER_XLOGID,
                segmentNumber % SEGMENTS_PER_XLOGID);
        return new WalName(name, Kind.SEGMENT, timeline, segmentNumber);
    }

    /** The history file of a timeline (timeline 1 has none). */
    public static WalName historyOf(int timeline) {
        return parse(String.format(Locale.ROOT, "%08X.history", timeline));
    }

    /** The LSN at which this segment starts (segments and partials only). */
    public Lsn startLsn() {
        return new Lsn(segmentNumber * SEGMENT_BYTES);
    }

    /** The next segment on the same timeline (segments only). */
    public WalName next() {
        return ofSegment(timeline, segmentNumber + 1);
    }

    /** The first eight characters, the timeline in hex: the folder the file is archived in. */
    public String timelineHex() {
        return name.substring(0, 8);
    }

    /** Segments sort by segment number, then timeline (the order recovery reads them in). */
    @Override
    public int compareTo(WalName other) {
        int bySegment = Long.compare(segmentNumber, other.segmentNumber);
        if (bySegment != 0) {
            return bySegment;
        }
        int byTimeline = Integer.compare(timeline, other.timeline);
        return byTimeline != 0 ? byTimeline : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
