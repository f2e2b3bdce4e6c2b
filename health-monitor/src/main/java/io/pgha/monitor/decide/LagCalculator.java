package io.pgha.monitor.decide;

import io.pgha.events.Lsn;
import io.pgha.events.NodeHealthEvent.NodeRole;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replica lag in bytes, measured against the primary's WAL position from the same probe round. Pure.
 *
 * <p>The reference is the topology's leader when it probed as primary, otherwise the only member
 * that probed as primary; with no primary, or several and none of them the leader, there is no
 * reference and no lag. The reference has lag 0; a replica has {@code primary LSN - replayed LSN}
 * (received LSN when nothing is replayed yet), never below 0 (the replica may have been probed a
 * moment after the primary); any other member has no lag.
 */
public final class LagCalculator {
    private LagCalculator() {}

    /** The member whose LSN the others are measured against. */
    public static Optional<String> reference(String leader, Map<String, ProbeResult> results) {
        if (leader != null && isPrimary(results.get(leader))) {
            return Optional.of(leader);
        }
        List<String> primaries = results.entrySet().stream()
                .filter(e -> isPrimary(e.getValue()))
                .map(Map.Entry::getKey)
                .toList();
        return primaries.size() == 1 ? Optional.of(primaries.get(0)) : Optional.empty();
    }

    /** Lag in bytes per member; a member without a known lag is absent. */
    public static Map<String, Long> lags(String leader, Map<String, ProbeResult> results) {
        Map<String, Long> lags = new HashMap<>();
        Optional<String> reference = reference(leader, results);
        if (reference.isEmpty()) {
            return lags;
        }
        Lsn primary = results.get(reference.get()).lsn();
        lags.put(reference.get(), 0L);
        results.forEach((member, result) -> {
            if (result.reachable() && result.role() == NodeRole.REPLICA && result.replayedOrReceived() != null) {
                lags.put(member, Math.max(0, primary.minus(result.replayedOrReceived())));
            }
        });
        return lags;
    }

    private static boolean isPrimary(ProbeResult result) {
        return result != null && result.reachable() && result.role() == NodeRole.PRIMARY && result.lsn() != null;
    }
}
