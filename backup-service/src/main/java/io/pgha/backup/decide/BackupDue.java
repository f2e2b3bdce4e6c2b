package io.pgha.backup.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a scheduled base backup is due for a cluster. Pure.
 *
 * <p>Due when none is running and either the newest complete backup started at least {@code interval}
 * ago, or there is no complete backup and either {@code firstAtOnce} or {@code interval} passed since
 * this instance became active; after a failed attempt the next one waits {@code retryAfter}.
 */
public final class BackupDue {
    private BackupDue() {}

    /** What the schedule looks at. */
    public record Facts(
            boolean running,
            Optional<Instant> newestCompleteStart,
            Optional<Instant> lastFailedAttempt,
            Instant activeSince) {}

    /** The schedule. */
    public record Schedule(Duration interval, boolean firstAtOnce, Duration retryAfter) {}

    public static boolean due(Facts facts, Schedule schedule, Instant now) {
        if (facts.running()) {
            return false;
        }
        return !now.isBefore(next(facts, schedule, now));
    }

    /** When the next backup is due (now or later). */
    public static Instant next(Facts facts, Schedule schedule, Instant now) {
        Instant next;
        if (facts.newestCompleteStart().isPresent()) {
            next = facts.newestCompleteStart().get().plus(schedule.interval());
        } else {
            next = schedule.firstAtOnce()
                    ? facts.activeSince()
                    : facts.activeSince().plus(schedule.interval());
        }
        if (facts.lastFailedAttempt().isPresent()) {
            Instant retry = facts.lastFailedAttempt().get().plus(schedule.retryAfter());
            if (retry.isAfter(next)) {
                next = retry;
            }
        }
        return next.isBefore(now) ? now : next;
    }
}
