package io.pgha.coordinator.decide;

import io.pgha.core.store.RouterReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether clients are routed to a new leader: every config-renderer registered for the cluster (its
 * key lives as long as its lease) must report the leader at the new epoch or later. With no renderer
 * registered there is nothing to wait for.
 */
public final class RoutingCheck {
    private RoutingCheck() {}

    /**
     * The routers that do not yet route writes to {@code leader} at {@code epoch} or later, each with
     * what it reports ("r1 (epoch 41, leader pg-0)"); empty when every one does.
     */
    public static List<String> unconfirmed(Map<String, Optional<RouterReport>> reports, String leader, long epoch) {
        List<String> pending = new ArrayList<>();
        reports.forEach((router, report) -> {
            if (report.isEmpty()) {
                pending.add(router + " (its report cannot be read)");
            } else if (!report.get().routes(leader, epoch)) {
                pending.add(router + " (epoch " + report.get().epoch() + ", leader "
                        + report.get().leader() + ")");
            }
        });
        return pending;
    }
}
