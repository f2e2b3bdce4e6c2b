package io.pgha.coordinator.decide;

import io.pgha.core.store.RouterReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the poolers are ready for a planned switchover: every live config-renderer that drives a
 * PgBouncer (its report says {@code pool}) must report its read-write pools paused for the switchover's
 * epoch (running transactions finished, new ones held) before the leader is told to hand over. Renderers
 * without a pooler are not waited for; with none, there is nothing to wait for.
 */
public final class PoolPauseGate {
    private PoolPauseGate() {}

    /** True when some router drives a pooler (then the coordinator announces the switchover and waits). */
    public static boolean anyPooler(Map<String, Optional<RouterReport>> reports) {
        return reports.values().stream().anyMatch(r -> r.isPresent() && r.get().pooling());
    }

    /**
     * The pooling routers not yet paused for {@code epoch}, each with what it reports; empty when every one
     * is. A report that cannot be read is not waited for (it may be no pooler at all).
     */
    public static List<String> notPaused(Map<String, Optional<RouterReport>> reports, long epoch) {
        List<String> pending = new ArrayList<>();
        reports.forEach((router, report) -> {
            if (report.isPresent() && report.get().pooling() && !report.get().pausedFor(epoch)) {
                pending.add(router + " (paused for "
                        + (report.get().pausedEpoch() == null
                                ? "nothing"
                                : "epoch " + report.get().pausedEpoch())
                        + ")");
            }
        });
        return pending;
    }
}
