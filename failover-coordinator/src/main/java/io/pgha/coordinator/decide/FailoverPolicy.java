package io.pgha.coordinator.decide;

import io.pgha.events.Lsn;
import java.util.Set;

/**
 * The rules a failover candidate must pass.
 *
 * @param maximumLagOnFailover bytes a candidate may be behind {@code lastLeaderLsn}
 * @param lastLeaderLsn the leader's last known WAL position ({@code /status}); null when unknown
 * @param synchronousMode whether synchronous mode is on (only members of {@code syncSet} may win)
 * @param syncSet the members of {@code /sync}
 * @param ignoreLag true only for a manual failover that explicitly overrides the lag rule
 */
public record FailoverPolicy(
        long maximumLagOnFailover, Lsn lastLeaderLsn, boolean synchronousMode, Set<String> syncSet, boolean ignoreLag) {

    public FailoverPolicy {
        if (maximumLagOnFailover < 0) {
            throw new IllegalArgumentException(
                    "maximum_lag_on_failover must be >= 0 bytes, got " + maximumLagOnFailover);
        }
        syncSet = syncSet == null ? Set.of() : Set.copyOf(syncSet);
    }

    /** Automatic failover: every rule applies. */
    public static FailoverPolicy automatic(
            long maximumLagOnFailover, Lsn lastLeaderLsn, boolean synchronousMode, Set<String> syncSet) {
        return new FailoverPolicy(maximumLagOnFailover, lastLeaderLsn, synchronousMode, syncSet, false);
    }

    /** The same rules with the lag rule overridden (a manual failover's explicit flag). */
    public FailoverPolicy ignoringLag() {
        return new FailoverPolicy(maximumLagOnFailover, lastLeaderLsn, synchronousMode, syncSet, true);
    }
}
