package io.pgha.coordinator.run;

import io.pgha.coordinator.agent.AgentReport;
import io.pgha.coordinator.agent.Agents;
import io.pgha.coordinator.decide.MemberSnapshot;
import io.pgha.core.store.MemberEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Fresh {@link MemberSnapshot}s at decision time: every agent asked at once, each within its timeout. */
public final class MemberSnapshots {
    private MemberSnapshots() {}

    /**
     * @param followedLeader members seen running as replicas with a received position while the last
     *     leader was alive (a standby whose primary just died is no longer streaming, but it was)
     */
    public static List<MemberSnapshot> fetch(
            Agents agents,
            HealthView health,
            Duration healthMaxAge,
            String cluster,
            List<MemberEntry> members,
            Set<String> followedLeader,
            Instant now) {
        Map<String, CompletableFuture<AgentReport>> reports = new LinkedHashMap<>();
        for (MemberEntry m : members) {
            reports.put(
                    m.name(),
                    agents.fetch(m.status() == null ? null : m.status().apiUrl()));
        }
        List<MemberSnapshot> snapshots = new ArrayList<>();
        for (MemberEntry m : members) {
            AgentReport r = reports.get(m.name()).join();
            Map<String, Object> tags = r.answered()
                    ? r.tags()
                    : m.status() == null || m.status().tags() == null
                            ? Map.of()
                            : m.status().tags();
            Optional<HealthView.Seen> seen = health.of(cluster, m.name(), healthMaxAge, now);
            boolean streaming =
                    r.streaming() || (r.answered() && "replica".equals(r.role()) && followedLeader.contains(m.name()));
            snapshots.add(new MemberSnapshot(
                    m.name(),
                    r.answered(),
                    r.error(),
                    r.role(),
                    r.state(),
                    streaming,
                    r.receiveLsn(),
                    r.replayLsn(),
                    r.timeline(),
                    truthy(tags.get("nofailover")),
                    priority(tags.get("failover_priority")),
                    seen.map(HealthView.Seen::reachable),
                    seen.map(HealthView.Seen::error).orElse(null),
                    r.answered() && r.failsafeActive()));
        }
        return snapshots;
    }

    static boolean truthy(Object value) {
        return value instanceof Boolean b ? b : value != null && "true".equalsIgnoreCase(value.toString());
    }

    static int priority(Object value) {
        if (value == null) {
            return 1;
        }
        try {
            return Integer.parseInt(value.toString().strip());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
