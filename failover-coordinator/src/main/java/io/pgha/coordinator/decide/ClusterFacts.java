package io.pgha.coordinator.decide;

import io.pgha.core.Switchover;
import java.time.Instant;

/**
 * What one run of a cluster's loop observed, as far as choosing the next steps needs it (the leading
 * replica's view: its election key is checked before).
 *
 * @param bootstrapped the initialize key is present
 * @param leader the member the leader key names; null when there is no leader key
 * @param paused maintenance ({@code pause} in the dynamic config)
 * @param synchronousMode {@code synchronous_mode} in the dynamic config
 * @param syncPresent a readable {@code /sync} key exists
 * @param switchover the readable {@code /switchover} key; null when absent or unreadable
 * @param unpromotedOverdue the leader key has named a running replica for promote-timeout ({@link
 *     UnpromotedLeader}); only asked for, and so only true, with a leader and not paused
 * @param manualRequested a manual failover asked through REST waits for its answer
 * @param now the wall clock, for a scheduled switchover
 */
public record ClusterFacts(
        boolean bootstrapped,
        String leader,
        boolean paused,
        boolean synchronousMode,
        boolean syncPresent,
        Switchover switchover,
        boolean unpromotedOverdue,
        boolean manualRequested,
        Instant now) {}
