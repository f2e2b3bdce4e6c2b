package io.pgha.agent.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.repository.codec.Compression;
import io.pgha.repository.codec.ObjectCodec;
import io.pgha.repository.store.PosixBlobStore;
import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbsentHistoryTest {
    @TempDir
    Path tmp;

    @Test
    void theNextTimelineIsOneAboveTheNewestHistoryFileInPgWal() {
        assertThat(AbsentHistory.nextTimeline(List.of())).isEqualTo(2);
        assertThat(AbsentHistory.nextTimeline(List.of("00000002.history", "0000000A.history", "00000003.history")))
                .isEqualTo(11);
        assertThat(AbsentHistory.nextTimeline(List.of("0000000A0000000000000003", "00000004.history.tmp")))
                .isEqualTo(2);
    }

    @Test
    void aPromotionMarksTheNextHistoryFileOnlyWhileItRunsAndOnlyWhenTheArchiveHasNone() throws Exception {
        WalArchive archive = new WalArchive(
                new PosixBlobStore(tmp.resolve("repo")), new ObjectCodec(Compression.ZSTD, Optional.empty()), "c1");
        Path pgWal = Files.createDirectories(tmp.resolve("data/pg_wal"));
        Files.writeString(pgWal.resolve("00000004.history"), "3\t0/5000000\tno recovery target specified\n");
        Files.createDirectories(tmp.resolve(AbsentHistory.FOLDER));
        Files.writeString(tmp.resolve(AbsentHistory.FOLDER).resolve("00000009.history"), ""); // an earlier run's
        AbsentHistory absent = new AbsentHistory(tmp);
        Path marker = tmp.resolve(AbsentHistory.FOLDER).resolve("00000005.history");
        assertThat(tmp.resolve(AbsentHistory.FOLDER)).isEmptyDirectory();

        try (AbsentHistory.Mark mark = absent.beforePromotion(archive, pgWal)) {
            assertThat(marker).exists();
        }
        assertThat(marker).doesNotExist();

        Path history = tmp.resolve("h5");
        Files.writeString(history, "4\t0/6000000\tno recovery target specified\n");
        archive.push(WalName.historyOf(5), history); // some member ran on timeline 5: the probe must see it
        try (AbsentHistory.Mark mark = absent.beforePromotion(archive, pgWal)) {
            assertThat(mark).isSameAs(AbsentHistory.Mark.NONE);
            assertThat(marker).doesNotExist();
        }
    }

    @Test
    void withoutAPgWalFolderNoMarkerIsWritten() throws Exception {
        WalArchive archive = new WalArchive(
                new PosixBlobStore(tmp.resolve("repo")), new ObjectCodec(Compression.ZSTD, Optional.empty()), "c1");
        AbsentHistory absent = new AbsentHistory(tmp);
        assertThat(absent.beforePromotion(archive, tmp.resolve("missing/pg_wal")))
                .isSameAs(AbsentHistory.Mark.NONE);
        assertThat(tmp.resolve(AbsentHistory.FOLDER)).isEmptyDirectory();
    }
}
