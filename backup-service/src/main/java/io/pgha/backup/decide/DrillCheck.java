package io.pgha.backup.decide;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A restore drill's decisions: the random recent target time, and whether the heartbeat rows the
 * restored instance holds are exactly those committed before it. Pure.
 */
public final class DrillCheck {
    /**
     * A row's {@code at} is its transaction's start; its commit follows within this margin, so a row
     * stamped within it before the target may or may not be recovered.
     */
    public static final Duration COMMIT_MARGIN = Duration.ofSeconds(1);

    private DrillCheck() {}

    /**
     * A random time in {@code (consistentAt, now]}, at least a second after the backup was consistent,
     * in whole milliseconds (PostgreSQL reads at most microseconds).
     */
    public static Instant target(Instant consistentAt, Instant now, RandomGenerator random) {
        Instant earliest = consistentAt.plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        Instant latest = now.truncatedTo(ChronoUnit.MILLIS);
        if (!latest.isAfter(earliest)) {
            return latest;
        }
        long span = Duration.between(earliest, latest).toMillis();
        return earliest.plusMillis(random.nextLong(span + 1));
    }

    /**
     * What the heartbeat rows say about a restore to {@code target}.
     *
     * @param primaryBefore rows on the primary stamped in {@code (since, target - margin]}
     * @param restoredBefore rows in the restored instance stamped in that same range
     * @param restoredAfter rows in the restored instance stamped after {@code target}
     * @return the problems; empty when the restore holds every row it must and none it must not
     */
    public static List<String> heartbeat(long primaryBefore, long restoredBefore, long restoredAfter, Instant target) {
        List<String> problems = new ArrayList<>();
        if (restoredBefore < primaryBefore) {
            problems.add((primaryBefore - restoredBefore) + " heartbeat rows committed before " + target
                    + " are missing from the restore (" + restoredBefore + " of " + primaryBefore + ")");
        }
        if (restoredAfter > 0) {
            problems.add(restoredAfter + " heartbeat rows stamped after the target " + target
                    + " are in the restore: recovery did not stop at the target");
        }
        return problems;
    }

    /** The recovery point: how old the newest recovered row was when the archive was sampled. */
    public static Optional<Double> rpoSeconds(Optional<Instant> newestRecovered, Instant sampledAt) {
        return newestRecovered.map(
                n -> Math.max(0, Duration.between(n, sampledAt).toMillis()) / 1000.0);
    }
}
