package io.pgha.backup.decide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.events.Lsn;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a plain-format base backup starts and stops, read from its {@code backup_manifest}
 * ({@code WAL-Ranges}: one range per timeline the backup spans), and which WAL segments it needs to
 * become consistent: every segment from the start's to the one holding the byte before the stop
 * (PostgreSQL's own {@code XLByteToPrevSeg} rule).
 *
 * @param ranges the WAL ranges, oldest timeline first
 */
public record BackupPosition(List<Range> ranges) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One WAL range of the manifest. */
    public record Range(int timeline, Lsn start, Lsn end) {}

    public BackupPosition {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("the backup manifest has no WAL-Ranges");
        }
        ranges = List.copyOf(ranges);
    }

    /** Reads the manifest's JSON; throws with what is wrong when it has no usable WAL-Ranges. */
    public static BackupPosition fromManifest(String manifestJson) {
        JsonNode root;
        try {
            root = JSON.readTree(manifestJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("backup_manifest is not JSON: " + e.getMessage());
        }
        JsonNode ranges = root.path("WAL-Ranges");
        if (!ranges.isArray() || ranges.isEmpty()) {
            throw new IllegalArgumentException("backup_manifest has no WAL-Ranges (pg_basebackup --no-manifest?)");
        }
        List<Range> list = new ArrayList<>();
        for (JsonNode r : ranges) {
            int timeline = r.path("Timeline").asInt(0);
            if (timeline < 1) {
                throw new IllegalArgumentException("backup_manifest has a WAL range without a timeline: " + r);
            }
            list.add(new Range(
                    timeline,
                    Lsn.parse(r.path("Start-LSN").asText()),
                    Lsn.parse(r.path("End-LSN").asText())));
        }
        // PostgreSQL writes the newest timeline first.
        list.sort((a, b) -> Integer.compare(a.timeline(), b.timeline()));
        return new BackupPosition(list);
    }

    /** The timeline the backup starts on. */
    public int startTimeline() {
        return ranges.get(0).timeline();
    }

    /** The timeline it is consistent on. */
    public int stopTimeline() {
        return ranges.get(ranges.size() - 1).timeline();
    }

    public Lsn startLsn() {
        return ranges.get(0).start();
    }

    public Lsn stopLsn() {
        return ranges.get(ranges.size() - 1).end();
    }

    public WalName startWal() {
        return WalName.segmentOf(startTimeline(), startLsn());
    }

    public WalName stopWal() {
        return lastSegment(ranges.get(ranges.size() - 1));
    }

    /** Every WAL segment recovery reads to make this backup consistent, in order. */
    public List<WalName> neededWal() {
        List<WalName> needed = new ArrayList<>();
        for (Range r : ranges) {
            WalName last = lastSegment(r);
            for (WalName w = WalName.segmentOf(r.timeline(), r.start());
                    w.segmentNumber() <= last.segmentNumber();
                    w = w.next()) {
                needed.add(w);
            }
        }
        return needed;
    }

    private static WalName lastSegment(Range r) {
        Lsn end = r.end().value() > r.start().value() ? new Lsn(r.end().value() - 1) : r.start();
        return WalName.segmentOf(r.timeline(), end);
    }
}
