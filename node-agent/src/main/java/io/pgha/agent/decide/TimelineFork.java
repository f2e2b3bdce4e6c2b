package io.pgha.agent.decide;

import io.pgha.events.Lsn;
import java.util.Optional;

/**
 * Whether a standby's data has gone past the point where the leader's timeline forked off the
 * standby's own: then it cannot follow the leader ("new timeline N forked off current database system
 * timeline M before current recovery point") and must be rewound. This happens to a standby that
 * received more of the old primary's WAL than the promoted member had (an asynchronous standby beside
 * the synchronous one that was promoted), not only to the old primary.
 */
public final class TimelineFork {
    private TimelineFork() {}

    /**
     * Where the history {@code history} (a timeline history file: lines {@code parentTLI switchpoint
     * reason}) left {@code timeline}; empty when it never did (the history does not pass through it).
     */
    public static Optional<Lsn> switchPoint(String history, long timeline) {
        for (String line : history.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            if (fields.length < 2) {
                throw new IllegalArgumentException("not a timeline history line: '" + trimmed + "'");
            }
            if (Long.parseLong(fields[0]) == timeline) {
                return Optional.of(Lsn.parse(fields[1]));
            }
        }
        return Optional.empty();
    }

    /**
     * Where recovery stands on a standby: the end of the last record it replayed and the timeline it
     * replays ({@code IDENTIFY_SYSTEM} on the standby, not the timeline its WAL receiver streams), read
     * in that order, so that the position lies on {@code timeline} or on an older one.
     */
    public record ReplayPoint(Lsn replayed, long timeline) {}

    /** What the loop concludes about a standby and the leader's timeline. */
    public enum Verdict {
        /** The standby replays the leader's timeline (or a later one): nothing to check until the leader's changes. */
        ON_LEADER_TIMELINE,
        /** Behind the leader's timeline but at or before the fork: it follows the new timeline. */
        FOLLOWS,
        /** Replayed past the point where the leader's timeline left its own: it can never follow, rewind. */
        DIVERGED
    }

    /**
     * The verdict for a standby at {@code point} and a leader on {@code leaderTimeline} whose history is
     * {@code history} (read only when the standby replays an older timeline; see {@link #diverged}).
     */
    public static Verdict verdict(ReplayPoint point, long leaderTimeline, java.util.function.Supplier<String> history) {
        if (point.timeline() >= leaderTimeline) {
            return Verdict.ON_LEADER_TIMELINE;
        }
        return diverged(history.get(), point.timeline(), point.replayed()) ? Verdict.DIVERGED : Verdict.FOLLOWS;
    }

    /**
     * True when a standby on {@code timeline} that has replayed up to {@code replayed} has diverged from
     * a leader whose timeline history is {@code history}: the leader left this timeline before
     * {@code replayed}, or never ran on it.
     */
    public static boolean diverged(String history, long timeline, Lsn replayed) {
        return switchPoint(history, timeline).map(replayed::isAfter).orElse(true);
    }
}
