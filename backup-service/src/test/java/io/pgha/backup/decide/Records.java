package io.pgha.backup.decide;

import io.pgha.events.Lsn;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.wal.WalName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Plain catalog records and WAL names for the decision tests. */
final class Records {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private Records() {}

    /** A complete backup started {@code day} days after T0 on {@code timeline}, starting in segment {@code startSeg}. */
    static BackupRecord complete(String id, int day, int timeline, long startSeg) {
        Instant started = T0.plusSeconds(day * 86_400L);
        WalName start = WalName.ofSegment(timeline, startSeg);
        WalName stop = WalName.ofSegment(timeline, startSeg + 1);
        return BackupRecord.running(id, "demo", "bs-0", "pg-1", started)
                .withContent(
                        timeline,
                        new Lsn(start.startLsn().value() + 0x28),
                        new Lsn(stop.startLsn().value() + 0x100),
                        start.name(),
                        stop.name(),
                        started.plusSeconds(600),
                        "7300000000000000001",
                        15,
                        "zstd",
                        false,
                        List.of(),
                        List.of())
                .withState(BackupState.COMPLETE, null, started.plusSeconds(620));
    }

    static BackupRecord running(String id, int day) {
        return BackupRecord.running(id, "demo", "bs-0", "pg-1", T0.plusSeconds(day * 86_400L));
    }

    static BackupRecord failed(String id, int day) {
        return running(id, day).withState(BackupState.FAILED, "pg_basebackup exited 1", T0.plusSeconds(day * 86_400L));
    }

    static Instant day(double day) {
        return T0.plusSeconds((long) (day * 86_400));
    }

    /** Segments {@code from..to} of {@code timeline}. */
    static List<WalName> segments(int timeline, long from, long to) {
        List<WalName> list = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            list.add(WalName.ofSegment(timeline, n));
        }
        return list;
    }
}
