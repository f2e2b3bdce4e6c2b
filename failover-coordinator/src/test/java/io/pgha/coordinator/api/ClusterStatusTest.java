package io.pgha.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.EtcdLayout;
import io.pgha.core.MemberStatus;
import io.pgha.core.SyncSet;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The status bodies stay readable, with the problem named, whatever was written under the cluster's keys. */
class ClusterStatusTest {
    private static MemberStatus running(String role, int port) {
        return new MemberStatus(
                "postgres://127.0.0.1:" + port + "/postgres",
                "http://127.0.0.1:8008/patroni",
                MemberStatus.Role.of(role),
                "running",
                1,
                io.pgha.events.Lsn.parseNullable("0/3000060"),
                null,
                null,
                Map.of(),
                "",
                "0.1");
    }

    private static ClusterSnapshot snapshot(
            Map<String, MemberEntry> members, String config, String sync, String status, String switchover) {
        return new ClusterSnapshot(
                42,
                Optional.of(new LeaderKey("pg-0", 7, 40)),
                members,
                Optional.ofNullable(config),
                Optional.of("123"),
                Optional.ofNullable(sync),
                Optional.ofNullable(switchover),
                Optional.empty(),
                Optional.ofNullable(status),
                Map.of());
    }

    private static ClusterSnapshot healthy() {
        return snapshot(
                Map.of("pg-0", new MemberEntry("pg-0", running("primary", 5432), 7)),
                "{\"pause\":true}",
                null,
                null,
                null);
    }

    /** As the coordinator's store reads: the cluster's etcd layout refuses a name that is not one. */
    private static ClusterSnapshot read(String cluster) {
        EtcdLayout.of(cluster);
        return healthy();
    }

    @Test
    void theVotersOfAQuorumSyncKeyAreListedAsQuorumStandbysAndAFirstKeysMembersAsSyncStandbys() {
        Set<String> voters = Set.of("pg-1", "pg-2");
        assertThat(roles("{\"synchronous_mode\":\"quorum\"}", SyncSet.quorum("pg-0", voters, 1, voters, 1)))
                .containsExactly("leader", "quorum_standby", "quorum_standby", "replica");
        assertThat(roles("{\"synchronous_mode\":true}", SyncSet.of("pg-0", Set.of("pg-1"), Set.of("pg-1"))))
                .containsExactly("leader", "sync_standby", "replica", "replica");
    }

    /** The roles of pg-0 (primary) and pg-1..pg-3 (replicas) in the status body, under this config and sync key. */
    @SuppressWarnings("unchecked")
    private static List<Object> roles(String config, SyncSet sync) {
        Map<String, MemberEntry> members = new java.util.TreeMap<>();
        for (int i = 0; i < 4; i++) {
            String name = "pg-" + i;
            members.put(name, new MemberEntry(name, running(i == 0 ? "primary" : "replica", 5432 + i), 7 + i));
        }
        Map<String, Object> body =
                ClusterStatus.of("c", snapshot(members, config, sync.toJson(), null, null), Optional.empty());
        return ((List<Map<String, Object>>) body.get("members"))
                .stream().map(m -> m.get("role")).toList();
    }

    @Test
    void aClusterWhoseNameIsNotOneIsListedWithTheProblemInsteadOfFailingTheList() {
        Map<String, Object> row = ClusterStatus.summary("bad cluster", ClusterStatusTest::read, c -> {
            EtcdLayout.of(c);
            return Optional.empty();
        });
        assertThat(row).containsEntry("cluster", "bad cluster");
        assertThat((List<?>) row.get("problems"))
                .singleElement()
                .asString()
                .contains("'bad cluster'")
                .contains("bad cluster/");
    }

    @Test
    void aHealthyClusterHasItsRowAndNoProblems() {
        Map<String, Object> row =
                ClusterStatus.summary("c", ClusterStatusTest::read, c -> Optional.of("coordinator-0"));
        assertThat(row)
                .containsEntry("leader", "pg-0")
                .containsEntry("members", 1)
                .containsEntry("pause", true)
                .containsEntry("coordinator", "coordinator-0")
                .doesNotContainKey("problems");
    }

    @Test
    void malformedKeysAreShownAsProblemsOfTheCluster() {
        ClusterSnapshot bad = snapshot(
                Map.of(
                        "pg-0", new MemberEntry("pg-0", running("primary", 5432), 7),
                        "pg-1", new MemberEntry("pg-1", null, 8)),
                "{\"ttl\":\"soon\"}",
                "not json",
                "{\"last_failover\":\"yesterday\"}",
                "[1]");
        Map<String, Object> body = ClusterStatus.of("c", bad, Optional.empty());
        assertThat(body).containsEntry("leader", "pg-0").doesNotContainKey("last_failover");
        assertThat((List<?>) body.get("problems"))
                .anySatisfy(p -> assertThat(p.toString()).contains("c/config").contains("ttl"))
                .anySatisfy(p -> assertThat(p.toString()).contains("c/sync"))
                .anySatisfy(p -> assertThat(p.toString()).contains("c/members/pg-1"))
                .anySatisfy(p -> assertThat(p.toString()).contains("c/switchover"))
                .anySatisfy(p -> assertThat(p.toString()).contains("c/status"));
        Map<String, Object> row = ClusterStatus.summary("c", c -> bad, c -> Optional.empty());
        assertThat((List<?>) row.get("problems")).hasSize(5);
    }

    @Test
    void aCloneItsAgentKeepsRetryingIsShownOnTheMember() {
        MemberStatus failing = new MemberStatus(
                "postgres://127.0.0.1:5433/postgres",
                "http://127.0.0.1:8009/patroni",
                MemberStatus.Role.REPLICA,
                "stopped",
                0,
                null,
                null,
                null,
                Map.of(),
                null,
                "0.1",
                new MemberStatus.LastError("clone", "password authentication failed for user \"replicator\"", true, 3));
        ClusterSnapshot snapshot = snapshot(
                Map.of(
                        "pg-0", new MemberEntry("pg-0", running("primary", 5432), 7),
                        "pg-1", new MemberEntry("pg-1", failing, 8)),
                null,
                null,
                null,
                null);
        Map<String, Object> body = ClusterStatus.of("c", snapshot, Optional.empty());
        String json = io.pgha.core.Json.write(body);
        assertThat(json)
                .contains("\"last_error\":{\"action\":\"clone\"")
                .contains("\"permanent\":true")
                .contains("\"failures\":3");
        MemberStatus back = io.pgha.core.Json.read(io.pgha.core.Json.write(failing), MemberStatus.class, "pg-1");
        assertThat(back.lastError()).isEqualTo(failing.lastError());
    }

    @Test
    void eachMembersArchiveStatusIsShown() {
        io.pgha.core.ArchiveStatus archive = new io.pgha.core.ArchiveStatus(
                "000000020000000000000007",
                "2026-12-01T10:00:00Z",
                "000000020000000000000008",
                "2026-12-01T10:01:00Z",
                "repository unavailable",
                12,
                3,
                2,
                "000000020000000000000008 is already archived with different content",
                2);
        MemberStatus primary = new MemberStatus(
                "postgres://127.0.0.1:5432/postgres",
                "http://127.0.0.1:8008/patroni",
                MemberStatus.Role.PRIMARY,
                "running",
                2,
                null,
                null,
                null,
                Map.of(),
                null,
                "0.1",
                null,
                archive);
        ClusterSnapshot snapshot = snapshot(
                Map.of(
                        "pg-0", new MemberEntry("pg-0", primary, 7),
                        "pg-1", new MemberEntry("pg-1", running("replica", 5433), 8)),
                null,
                null,
                null,
                null);
        Map<String, Object> body = ClusterStatus.of("c", snapshot, Optional.empty());
        String json = io.pgha.core.Json.write(body);
        assertThat(json)
                .contains("\"last_archived_wal\":\"000000020000000000000007\"")
                .contains("\"failed_count\":3")
                .contains("\"conflict\":\"000000020000000000000008 is already archived");
        List<?> members = (List<?>) body.get("members");
        assertThat(members).hasSize(2);
        long withArchive = members.stream()
                .filter(m -> ((Map<?, ?>) m).containsKey("archive"))
                .count();
        assertThat(withArchive).isEqualTo(1);
    }
}
