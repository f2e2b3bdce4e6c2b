package io.pgha.backup.decide;

import io.pgha.core.ArchiveStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides which events the primary's archiver state ({@code archive} in its member key) is worth:
 * WalArchiveProgress when it changed and the last one is at least {@code interval} old, and
 * WalArchiveFailed at once when a new failure or a conflict appears. Pure.
 */
public final class ArchiveWatch {
    private ArchiveWatch() {}

    /** What to publish now. */
    public record Decision(boolean progress, boolean failure) {
        public static final Decision NOTHING = new Decision(false, false);
    }

    /**
     * @param published the state last published as progress (null: none yet)
     * @param publishedAt when
     * @param previous the state seen on the last look (null: none), to spot new failures
     * @param current the state now (null: the primary publishes none)
     */
    public static Decision decide(
            ArchiveStatus published,
            Instant publishedAt,
            ArchiveStatus previous,
            ArchiveStatus current,
            Instant now,
            Duration interval) {
        if (current == null) {
            return Decision.NOTHING;
        }
        boolean changed = published == null
                || !Objects.equals(published.lastArchivedWal(), current.lastArchivedWal())
                || published.failedCount() != current.failedCount()
                || !Objects.equals(published.conflict(), current.conflict());
        boolean due = publishedAt == null || !now.isBefore(publishedAt.plus(interval));
        boolean newFailure = previous != null
                ? current.failedCount() > previous.failedCount()
                        || (current.conflict() != null && !current.conflict().equals(previous.conflict()))
                : current.conflict() != null;
        return new Decision(changed && due, newFailure);
    }
}
