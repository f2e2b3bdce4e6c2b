package io.pgha.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.DynamicConfig;
import io.pgha.core.Json;
import io.pgha.core.MemberStatus;
import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bodies of {@code GET /cluster}, {@code /history} and {@code /config}, which every agent answers
 * from the last cluster snapshot its loop read from etcd, in the shape of Patroni 4's {@code
 * cluster_as_json}, {@code History.lines} and the dynamic configuration. Keys that cannot be read are
 * left out rather than failing the answer.
 */
public final class PatroniCluster {
    private PatroniCluster() {}

    /** {@code GET /cluster}: members sorted by name, {@code pause}, {@code scheduled_switchover}, {@code scope}. */
    public static Map<String, Object> cluster(String scope, ClusterSnapshot snapshot) {
        Optional<DynamicConfig> config = parsed(snapshot.config(), DynamicConfig::fromJson);
        boolean synchronous = config.map(DynamicConfig::synchronousMode).orElse(false);
        Optional<SyncSet> key = synchronous ? parsed(snapshot.sync(), SyncSet::fromJson) : Optional.empty();
        Set<String> sync = key.map(s -> Set.copyOf(s.members())).orElse(Set.of());
        // as Patroni 4: the voters of a quorum key (synchronous_mode: quorum) are quorum standbys
        String syncRole = key.map(SyncSet::isQuorum).orElse(false) ? "quorum_standby" : "sync_standby";
        String leader = snapshot.leader().map(l -> l.member()).orElse(null);
        Optional<Lsn> clusterLsn =
                snapshot.leaderMember().map(MemberEntry::status).map(MemberStatus::xlogLocation);
        List<Map<String, Object>> members = new ArrayList<>();
        snapshot.members().values().stream()
                .filter(m -> m.status() != null)
                .sorted(Comparator.comparing(MemberEntry::name))
                .forEach(m -> members.add(member(m, leader, sync, syncRole, clusterLsn)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("members", members);
        if (config.map(DynamicConfig::pause).orElse(false)) {
            body.put("pause", true);
        }
        parsed(snapshot.switchover(), Switchover::fromJson)
                .filter(Switchover::scheduled)
                .ifPresent(s -> {
                    Map<String, Object> scheduled = new LinkedHashMap<>();
                    scheduled.put("at", s.scheduledAt());
                    scheduled.put("from", s.leader());
                    scheduled.put("to", s.member());
                    body.put("scheduled_switchover", scheduled);
                });
        body.put("scope", scope);
        return body;
    }

    private static Map<String, Object> member(
            MemberEntry m, String leader, Set<String> sync, String syncRole, Optional<Lsn> clusterLsn) {
        MemberStatus s = m.status();
        boolean isLeader = m.name().equals(leader);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", m.name());
        row.put("role", isLeader ? "leader" : sync.contains(m.name()) ? syncRole : "replica");
        row.put("state", s.state());
        row.put("api_url", s.apiUrl());
        hostAndPort(s.connUrl(), row);
        if (s.timeline() > 0) {
            row.put("timeline", s.timeline());
        }
        if (s.tags() != null && !s.tags().isEmpty()) {
            row.put("tags", s.tags());
        }
        if (!isLeader) {
            position(row, "receive_", Optional.ofNullable(s.receiveLsn()), clusterLsn);
            position(row, "replay_", Optional.ofNullable(s.replayLsn()), clusterLsn);
            position(row, "", newest(s.receiveLsn(), s.replayLsn()), clusterLsn);
        }
        return row;
    }

    /** Patroni's {@code <kind>lsn} and {@code <kind>lag}: "unknown" without a position, lag 0 when ahead. */
    private static void position(Map<String, Object> row, String kind, Optional<Lsn> lsn, Optional<Lsn> clusterLsn) {
        if (lsn.isEmpty()) {
            row.put(kind + "lsn", "unknown");
            row.put(kind + "lag", "unknown");
            return;
        }
        row.put(kind + "lsn", lsn.get().toString());
        row.put(
                kind + "lag",
                clusterLsn.map(c -> Math.max(0, c.minus(lsn.get()))).orElse(0L));
    }

    private static Optional<Lsn> newest(Lsn a, Lsn b) {
        if (a == null || b == null) {
            return Optional.ofNullable(a == null ? b : a);
        }
        return Optional.of(a.compareTo(b) >= 0 ? a : b);
    }

    private static void hostAndPort(String connUrl, Map<String, Object> row) {
        try {
            URI uri = URI.create(connUrl);
            if (uri.getHost() != null) {
                row.put("host", uri.getHost());
                if (uri.getPort() > 0) {
                    row.put("port", uri.getPort());
                }
            }
        } catch (RuntimeException e) {
            // a conn_url that is not a URL: no host and port, as Patroni without them
        }
    }

    /** {@code GET /history}: the history key's rows ([timeline, lsn, reason, time, new leader]), or []. */
    public static List<Object> history(ClusterSnapshot snapshot) {
        return parsed(snapshot.history(), text -> Json.read(text, JsonNode.class, "history key"))
                .filter(JsonNode::isArray)
                .map(node -> Json.MAPPER.convertValue(node, List.class))
                .map(list -> (List<Object>) new ArrayList<Object>(list))
                .orElse(List.of());
    }

    /**
     * {@code GET /config}: the dynamic configuration as stored, in Patroni's shape (a top-level {@code
     * use_pg_rewind} from before the nested shape answered under {@code postgresql}), when there is one
     * that is a JSON object.
     */
    public static Optional<Map<String, Object>> config(ClusterSnapshot snapshot) {
        return parsed(snapshot.config(), text -> Json.read(text, JsonNode.class, "config key"))
                .filter(JsonNode::isObject)
                .map(DynamicConfig::migrated)
                .map(node -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = Json.MAPPER.convertValue(node, LinkedHashMap.class);
                    return map;
                });
    }

    private static <T> Optional<T> parsed(Optional<String> text, java.util.function.Function<String, T> parse) {
        try {
            return text.map(parse);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
