package io.pgha.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.coordinator.decide.TopologyView;
import io.pgha.core.DynamicConfig;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bodies of {@code GET /api/v1/clusters} and {@code GET /api/v1/clusters/{c}}: what {@code
 * patronictl list} shows, and more. Whatever is written under a cluster's keys, they are answered: a key
 * that cannot be read is named under {@code problems} (the key relative to the etcd namespace, and
 * why), never a 500 for the whole list.
 */
final class ClusterStatus {
    private ClusterStatus() {}

    static Map<String, Object> of(String cluster, ClusterSnapshot snapshot, Optional<String> coordinator) {
        DynamicConfig config = config(snapshot);
        Optional<SyncSet> sync = parse(snapshot.sync(), SyncSet::fromJson);
        String leader = snapshot.leader().map(l -> l.member()).orElse(null);
        TopologyView.Standbys standbys = TopologyView.standbys(config.synchronousMode(), sync, leader);
        long epoch = snapshot.leader().map(l -> l.modRevision()).orElse(0L);
        TopologyChanged topology = TopologyView.of(
                cluster, snapshot, standbys, config.pause(), config.synchronousMode(), epoch, Instant.now());
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
            snapshot.member(m.name())
                    .map(MemberEntry::status)
                    .map(MemberStatus::lastError)
                    .ifPresent(e -> row.put("last_error", e)); // a clone or rewind its agent keeps retrying
            snapshot.member(m.name())
                    .map(MemberEntry::status)
                    .map(MemberStatus::archive)
                    .ifPresent(a -> row.put("archive", a)); // its WAL archiver: last archived, failures, conflict
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
        if (status != null && status.path("last_failover").isObject()) {
            body.put("last_failover", Json.MAPPER.convertValue(status.get("last_failover"), Map.class));
        }
        List<String> problems = problems(cluster, snapshot);
        if (!problems.isEmpty()) {
            body.put("problems", problems);
        }
        return body;
    }

    /**
     * What cannot be read under {@code cluster}'s keys, one sentence each naming the key: readers skip
     * such a key (a member key that is not a member status, a config or sync key that is not valid),
     * and the status shows why.
     */
    static List<String> problems(String cluster, ClusterSnapshot snapshot) {
        List<String> problems = new ArrayList<>();
        String prefix = cluster + "/";
        snapshot.leader()
                .ifPresent(l -> check(problems, prefix + "leader", () -> EtcdLayout.requireName("leader", l.member())));
        snapshot.members().values().stream()
                .sorted(java.util.Comparator.comparing(MemberEntry::name))
                .forEach(m -> {
                    String key = prefix + "members/" + m.name();
                    check(problems, key, () -> EtcdLayout.requireName("member", m.name()));
                    if (m.status() == null) {
                        problems.add(key + ": not a member status (JSON with conn_url, api_url, role, state...);"
                                + " the member is left out until its agent writes it again");
                    }
                });
        snapshot.config()
                .ifPresent(text -> DynamicConfig.problemsIn(text).forEach(p -> problems.add(prefix + "config: " + p)));
        snapshot.sync()
                .ifPresent(text -> check(
                        problems, prefix + "sync", () -> SyncSet.fromJson(text).standbyNames()));
        snapshot.switchover()
                .ifPresent(text -> check(problems, prefix + "switchover", () -> Switchover.fromJson(text)));
        snapshot.status()
                .ifPresent(text -> check(problems, prefix + "status", () -> {
                    JsonNode node = Json.read(text, JsonNode.class, "status key");
                    if (!node.isObject()
                            || (node.has("last_failover")
                                    && !node.get("last_failover").isObject())) {
                        throw new IllegalArgumentException(
                                "status key must be a JSON object whose last_failover is an object");
                    }
                    return node;
                }));
        snapshot.history()
                .ifPresent(text -> check(problems, prefix + "history", () -> {
                    if (!Json.read(text, JsonNode.class, "history key").isArray()) {
                        throw new IllegalArgumentException("history key must be a JSON array");
                    }
                    return text;
                }));
        return problems;
    }

    /**
     * One row of {@code GET /api/v1/clusters}; a cluster whose name or keys cannot be read is listed
     * with its problems rather than failing the whole list.
     */
    static Map<String, Object> summary(
            String cluster,
            java.util.function.Function<String, ClusterSnapshot> read,
            java.util.function.Function<String, Optional<String>> coordinatorOf) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("cluster", cluster);
        try {
            EtcdLayout.requireName("cluster", cluster);
        } catch (IllegalArgumentException e) {
            row.put(
                    "problems",
                    List.of("keys under " + cluster + "/ in the etcd namespace: " + e.getMessage()
                            + "; no agent or coordinator can use them: delete them (etcdctl del --prefix)"));
            return row;
        }
        ClusterSnapshot snapshot = read.apply(cluster);
        row.put("leader", snapshot.leader().map(l -> l.member()).orElse(null));
        row.put("members", snapshot.members().size());
        row.put("pause", config(snapshot).pause());
        row.put("coordinator", coordinatorOf.apply(cluster).orElse(null));
        List<String> problems = problems(cluster, snapshot);
        if (!problems.isEmpty()) {
            row.put("problems", problems);
        }
        return row;
    }

    private static void check(List<String> problems, String key, java.util.function.Supplier<?> reader) {
        try {
            reader.get();
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
        }
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
