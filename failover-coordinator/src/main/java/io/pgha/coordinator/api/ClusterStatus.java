package io.pgha.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.coordinator.decide.TopologyView;
import io.pgha.core.DynamicConfig;
import io.pgha.core.Json;
import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The body of {@code GET /api/v1/clusters/{c}}: what {@code patronictl list} shows, and more. */
final class ClusterStatus {
    private ClusterStatus() {}

    static Map<String, Object> of(String cluster, ClusterSnapshot snapshot, Optional<String> coordinator) {
        DynamicConfig config = config(snapshot);
        Optional<SyncSet> sync = parse(snapshot.sync(), SyncSet::fromJson);
        String leader = snapshot.leader().map(l -> l.member()).orElse(null);
        Set<String> promotable = config.synchronousMode()
                        && sync.isPresent()
                        && (leader == null || leader.equals(sync.get().leader()))
                ? Set.copyOf(sync.get().members())
                : Set.of();
        long epoch = snapshot.leader().map(l -> l.modRevision()).orElse(0L);
        TopologyChanged topology = TopologyView.of(cluster, snapshot, promotable, config.pause(), epoch, Instant.now());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster", cluster);
        body.put("leader", leader);
        body.put("epoch", epoch);
        body.put("pause", config.pause());
        body.put("coordinator", coordinator.orElse(null));
        List<Map<String, Object>> members = new ArrayList<>();
        for (Member m : topology.members()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", m.name());
            row.put("role", Json.MAPPER.convertValue(m.role(), String.class));
            row.put("state", m.state());
            row.put("host", m.host());
            row.put("port", m.port());
            row.put("api_url", m.apiUrl());
            row.put("timeline", m.timeline());
            row.put("lag", m.lag());
            row.put("tags", m.tags());
            members.add(row);
        }
        body.put("members", members);
        Map<String, Object> synchronous = new LinkedHashMap<>();
        synchronous.put("mode", config.synchronousMode());
        synchronous.put("strict", config.synchronousModeStrict());
        synchronous.put("node_count", config.synchronousNodeCount());
        synchronous.put("promotable", sync.map(SyncSet::members).orElse(List.of()));
        synchronous.put("target", sync.map(SyncSet::targetMembers).orElse(List.of()));
        body.put("synchronous", synchronous);
        Optional<Switchover> switchover = parse(snapshot.switchover(), Switchover::fromJson);
        switchover.ifPresent(s -> {
            Map<String, Object> scheduled = new LinkedHashMap<>();
            scheduled.put("from", s.leader());
            scheduled.put("to", s.member());
            scheduled.put("at", s.scheduledAt());
            body.put(s.scheduled() ? "scheduled_switchover" : "switchover_in_progress", scheduled);
        });
        JsonNode status = parse(snapshot.status(), text -> Json.read(text, JsonNode.class, "status key"))
                .orElse(null);
        if (status != null && status.has("last_failover")) {
            body.put("last_failover", Json.MAPPER.convertValue(status.get("last_failover"), Map.class));
        }
        return body;
    }

    static DynamicConfig config(ClusterSnapshot snapshot) {
        try {
            return snapshot.config().map(DynamicConfig::fromJson).orElse(DynamicConfig.DEFAULTS);
        } catch (IllegalArgumentException e) {
            return DynamicConfig.DEFAULTS;
        }
    }

    private static <T> Optional<T> parse(Optional<String> text, java.util.function.Function<String, T> reader) {
        try {
            return text.map(reader);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
