package io.pgha.backup.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.ArchiveStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArchiveWatchTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration TEN_S = Duration.ofSeconds(10);

    private static ArchiveStatus status(String last, long failed, String conflict) {
        return new ArchiveStatus(last, T.toString(), null, null, null, 5, failed, 0, conflict, null);
    }

    @Test
    void theFirstStateIsPublished() {
        assertThat(ArchiveWatch.decide(null, null, null, status("000000010000000000000003", 0, null), T, TEN_S)
                        .progress())
                .isTrue();
    }

    @Test
    void aChangeIsPublishedOnlyOnceTheIntervalPassed() {
        ArchiveStatus a = status("000000010000000000000003", 0, null);
        ArchiveStatus b = status("000000010000000000000004", 0, null);

        assertThat(ArchiveWatch.decide(a, T, a, b, T.plusSeconds(5), TEN_S).progress())
                .isFalse();
        assertThat(ArchiveWatch.decide(a, T, a, b, T.plusSeconds(10), TEN_S).progress())
                .isTrue();
    }

    @Test
    void noChangeIsNotPublishedAgain() {
        ArchiveStatus a = status("000000010000000000000003", 0, null);
        assertThat(ArchiveWatch.decide(a, T, a, a, T.plusSeconds(60), TEN_S)).isEqualTo(ArchiveWatch.Decision.NOTHING);
    }

    @Test
    void aNewFailureOrConflictIsAFailureEventAtOnce() {
        ArchiveStatus a = status("000000010000000000000003", 0, null);
        ArchiveStatus failed = status("000000010000000000000003", 1, null);
        ArchiveStatus conflict = status("000000010000000000000003", 1, "000000010000000000000004 differs");

        assertThat(ArchiveWatch.decide(a, T, a, failed, T.plusSeconds(1), TEN_S).failure())
                .isTrue();
        assertThat(ArchiveWatch.decide(a, T, failed, conflict, T.plusSeconds(1), TEN_S)
                        .failure())
                .isTrue();
        assertThat(ArchiveWatch.decide(a, T, conflict, conflict, T.plusSeconds(1), TEN_S)
                        .failure())
                .isFalse();
        assertThat(ArchiveWatch.decide(null, null, null, conflict, T, TEN_S).failure())
                .isTrue();
    }

    @Test
    void noArchiverStateIsNothing() {
        assertThat(ArchiveWatch.decide(null, null, null, null, T, TEN_S)).isEqualTo(ArchiveWatch.Decision.NOTHING);
    }
}
