package io.pgha.backup.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a scheduled base backup is due for a cluster. Pure.
 *
 * <p>Due when none is running and either the newest complete backup started at least {@code interval}
 * ago (with a cron schedule: the first time it names after that start has come), or there is no complete backup and either {@code firstAtOnce} or {@code interval} passed since
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
    public record Schedule(Duration interval, Optional<CronSchedule> cron, boolean firstAtOnce, Duration retryAfter) {
        /** A schedule by interval only. */
        public Schedule(Duration interval, boolean firstAtOnce, Duration retryAfter) {
            this(interval, Optional.empty(), firstAtOnce, retryAfter);
        }

        /** The time of the next backup after one that started at {@code start}. */
        Instant after(Instant start) {
            return cron.map(c -> c.nextAfter(start)).orElseGet(() -> start.plus(interval));
        }
    }

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
            next = schedule.after(facts.newestCompleteStart().get());
        } else {
            next = schedule.firstAtOnce() ? facts.activeSince() : schedule.after(facts.activeSince());
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
