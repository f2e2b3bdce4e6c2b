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
     * True when a standby on {@code timeline} that has replayed up to {@code replayed} has diverged from
     * a leader whose timeline history is {@code history}: the leader left this timeline before
     * {@code replayed}, or never ran on it.
     */
    public static boolean diverged(String history, long timeline, Lsn replayed) {
        return switchPoint(history, timeline).map(replayed::isAfter).orElse(true);
    }
}
