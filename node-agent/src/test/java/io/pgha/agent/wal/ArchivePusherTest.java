package io.pgha.agent.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.ArchiveStatus;
import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pusher against a posix repository in a temporary folder and a fake pg_wal. */
class ArchivePusherTest {
    private static final ArchiveSettings SETTINGS =
            ArchiveSettings.checked(2, 4, 8, Duration.ofSeconds(60), Duration.ofSeconds(300), "curl");

    @TempDir
    Path tmp;

    private WalArchive archive(Path repo) throws Exception {
        return new WalArchive(new PosixBlobStore(repo), new ObjectCodec(Compression.LZ4, Optional.empty()), "c1");
    }

    private Path dataDir() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("pg_wal/archive_status"));
        return data;
    }

    private static void ready(Path data, String name, int seed) throws Exception {
        byte[] bytes = new byte[64 * 1024];
        new Random(seed).nextBytes(bytes);
        Files.write(data.resolve("pg_wal").resolve(name), bytes);
        Files.writeString(data.resolve("pg_wal/archive_status").resolve(name + ".ready"), "");
    }

    /** A copy of {@code name} with content {@code seed}, made through pg_wal (left there, ready). */
    private Path copyOf(Path data, WalName name, int seed) throws Exception {
        ready(data, name.name(), seed);
        Path copy = tmp.resolve("copy-" + name.name());
        Files.copy(data.resolve("pg_wal").resolve(name.name()), copy);
        return copy;
    }

    private static void done(Path data, String name) throws Exception {
        Path status = data.resolve("pg_wal/archive_status");
        Files.move(status.resolve(name + ".ready"), status.resolve(name + ".done"));
    }

    @Test
    void pushesTheFileAndTheOtherReadyOnesAheadThenConfirmsThemAtOnce() throws Exception {
        Path data = dataDir();
        WalArchive archive = archive(tmp.resolve("repo"));
        for (int i = 1; i <= 5; i++) {
            ready(data, "00000001000000000000000" + i, i);
        }
        try (ArchivePusher pusher = new ArchivePusher(archive, data, SETTINGS, Clock.systemUTC(), () -> {})) {
            ArchivePusher.Outcome first = pusher.archive(WalName.parse("000000010000000000000001"));
            assertThat(first.result()).isEqualTo(ArchivePusher.Result.ARCHIVED);
            // the others were queued ahead (2 at once, 4 queued): all are archived without another request
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pusher.status().archivedCount() < 5 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(archive.list()).hasSize(5);
            done(data, "000000010000000000000001"); // what PostgreSQL does after a success
            ArchivePusher.Outcome second = pusher.archive(WalName.parse("000000010000000000000002"));
            assertThat(second.result()).isEqualTo(ArchivePusher.Result.ALREADY_ARCHIVED);
            ArchiveStatus status = pusher.status();
            assertThat(status.archivedCount()).isEqualTo(5);
            assertThat(status.failedCount()).isZero();
            assertThat(status.queued()).isEqualTo(4); // 02 to 05 are still .ready: PostgreSQL has not got to them
        }
    }

    @Test
    void differentContentUnderAnArchivedNameIsAConflictAndNothingIsOverwritten() throws Exception {
        Path data = dataDir();
        Path repo = tmp.resolve("repo");
        WalArchive archive = archive(repo);
        WalName name = WalName.parse("000000020000000000000007");
        ready(data, name.name(), 1);
        Path other = tmp.resolve("other");
        Files.copy(data.resolve("pg_wal").resolve(name.name()), other);
        ready(data, name.name(), 2); // now pg_wal has different content
        archive.push(name, other);
        byte[] before = Files.readAllBytes(repo.resolve(archive.key(name)));
        try (ArchivePusher pusher = new ArchivePusher(archive, data, SETTINGS, Clock.systemUTC(), () -> {})) {
            ArchivePusher.Outcome outcome = pusher.archive(name);
            assertThat(outcome.result()).isEqualTo(ArchivePusher.Result.CONFLICT);
            assertThat(outcome.result().httpStatus).isEqualTo(409);
            assertThat(pusher.status().conflict()).contains("different content");
            assertThat(pusher.status().lastFailedWal()).isEqualTo(name.name());
            assertThat(pusher.status().failedCount()).isEqualTo(1);
        }
        assertThat(Files.readAllBytes(repo.resolve(archive.key(name)))).isEqualTo(before);
    }

    @Test
    void anUnwritableRepositoryFailsWith503AndEverythingArchivesOnceItIsBack() throws Exception {
        Path data = dataDir();
        Path repo = tmp.resolve("repo");
        WalArchive archive = archive(repo);
        ready(data, "000000010000000000000001", 1);
        ready(data, "000000010000000000000002", 2);
        Path blocker = repo.resolve("c1");
        Files.writeString(blocker, "a file where the cluster's folder must be");
        try (ArchivePusher pusher = new ArchivePusher(archive, data, SETTINGS, Clock.systemUTC(), () -> {})) {
            ArchivePusher.Outcome failed = pusher.archive(WalName.parse("000000010000000000000001"));
            assertThat(failed.result()).isEqualTo(ArchivePusher.Result.FAILED);
            assertThat(failed.result().httpStatus).isEqualTo(503);
            assertThat(pusher.status().failedCount()).isEqualTo(1);
            assertThat(pusher.status().lastFailure()).contains("000000010000000000000001");
            Files.delete(blocker);
            assertThat(pusher.archive(WalName.parse("000000010000000000000001")).result())
                    .isEqualTo(ArchivePusher.Result.ARCHIVED);
            assertThat(pusher.archive(WalName.parse("000000010000000000000002")).result())
                    .isIn(ArchivePusher.Result.ARCHIVED, ArchivePusher.Result.ALREADY_ARCHIVED);
            assertThat(archive.list()).hasSize(2);
            assertThat(pusher.status().lastArchivedWal()).isNotNull();
        }
    }

    @Test
    void aFileThatIsNotInPgWalIs404() throws Exception {
        Path data = dataDir();
        try (ArchivePusher pusher =
                new ArchivePusher(archive(tmp.resolve("repo")), data, SETTINGS, Clock.systemUTC(), () -> {})) {
            assertThat(pusher.archive(WalName.parse("000000010000000000000009")).result())
                    .isEqualTo(ArchivePusher.Result.MISSING);
        }
    }

    @Test
    void aRepositoryTimelineAboveTheMembersIsAConflictButAnOlderPartialIsNot() throws Exception {
        Path data = dataDir();
        WalArchive archive = archive(tmp.resolve("repo"));
        Path history = tmp.resolve("history");
        Files.writeString(history, "2\t0/5000000\tno recovery target specified\n");
        archive.push(WalName.parse("00000003.history"), history);
        ready(data, "000000020000000000000004.partial", 1);
        ready(data, "000000020000000000000005", 2);
        try (ArchivePusher pusher = new ArchivePusher(archive, data, SETTINGS, Clock.systemUTC(), () -> {})) {
            pusher.archive(WalName.parse("000000020000000000000004.partial"));
            assertThat(pusher.status().conflict()).isNull(); // a .partial of an older timeline says nothing
            pusher.archive(WalName.parse("000000020000000000000005"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pusher.status().conflict() == null && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(pusher.status().conflict()).contains("timeline 3, higher than this member's 2");
            assertThat(pusher.status().repositoryTimeline()).isEqualTo(3);
        }
    }

    @Test
    void aConflictingSegmentAfterThisMembersForkIsNotArchivedAndDoesNotBlockTheArchiver() throws Exception {
        // as in the chaos run of 2026-12-04: promoted from timeline 0x19 at 0/1C0CF628, the new primary
        // still held a recycled file named 00000019000000000000001D, marked ready; the old timeline's
        // writer had archived its own 1D
        Path data = dataDir();
        Path repo = tmp.resolve("repo");
        WalArchive archive = archive(repo);
        WalName after = WalName.parse("00000019000000000000001D");
        WalName forkSegment = WalName.parse("00000019000000000000001C");
        archive.push(after, copyOf(data, after, 1));
        archive.push(forkSegment, copyOf(data, forkSegment, 1));
        Files.delete(data.resolve("pg_wal/archive_status").resolve(forkSegment.name() + ".ready"));
        ready(data, after.name(), 2); // this member's copy differs
        Files.writeString(
                data.resolve("pg_wal/0000001A.history"),
                "1\t0/3000000\tno recovery target specified\n\n25\t0/1C0CF628\tno recovery target specified\n");
        byte[] before = Files.readAllBytes(repo.resolve(archive.key(after)));
        try (ArchivePusher pusher = new ArchivePusher(archive, data, SETTINGS, Clock.systemUTC(), () -> {})) {
            ArchivePusher.Outcome outcome = pusher.archive(after);
            assertThat(outcome.result()).isEqualTo(ArchivePusher.Result.NOT_IN_HISTORY);
            assertThat(outcome.result().httpStatus).isEqualTo(200);
            assertThat(outcome.message()).contains("timeline 25 ended at 0/1C0CF628 in 0000001A.history");
            assertThat(pusher.status().conflict()).isNull();
            // the segment holding the fork point is part of this member's history: still a conflict
            ready(data, forkSegment.name(), 2);
            assertThat(pusher.archive(forkSegment).result()).isEqualTo(ArchivePusher.Result.CONFLICT);
        }
        assertThat(Files.readAllBytes(repo.resolve(archive.key(after)))).isEqualTo(before);
    }

    @Test
    void onlyASegmentWhollyAfterTheForkOfTheNewestHistoryIsOutsideTheMembersHistory() {
        String history = "1\t0/3000000\tno recovery target specified\n25\t0/1C0CF628\tno recovery target specified\n";
        assertThat(ArchivePusher.leftBefore(WalName.parse("00000019000000000000001D"), 26, history))
                .contains(io.pgha.events.Lsn.parse("0/1C0CF628"));
        assertThat(ArchivePusher.leftBefore(WalName.parse("00000019000000000000001C"), 26, history))
                .as("holds the fork point")
                .isEmpty();
        assertThat(ArchivePusher.leftBefore(WalName.parse("0000001A000000000000001D"), 26, history))
                .as("the member's own timeline")
                .isEmpty();
        assertThat(ArchivePusher.leftBefore(WalName.parse("00000018000000000000001D"), 26, history))
                .as("a timeline the lineage never ran on")
                .isEmpty();
        assertThat(ArchivePusher.leftBefore(WalName.parse("000000010000000000000003"), 26, history))
                .as("starts exactly at the switch point")
                .contains(io.pgha.events.Lsn.parse("0/3000000"));
    }
}
