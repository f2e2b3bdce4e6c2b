package io.pgha.backup.decide;

import java.time.Duration;
import java.util.Optional;

/**
 * What retention keeps: the newest {@code fullCount} complete backups, and (when set) every backup
 * needed to restore to any time within {@code recoveryWindow}; a backup either rule keeps is kept,
 * and pinned backups are always kept.
 */
public record RetentionPolicy(int fullCount, Optional<Duration> recoveryWindow) {
    public RetentionPolicy {
        if (fullCount < 1) {
            throw new IllegalArgumentException("full-count must be at least 1, not " + fullCount);
        }
    }
}
