package io.pgha.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PatroniClusterTest {
    private static MemberEntry member(String name, MemberStatus.Role role, String xlog, String receive, String replay) {
        return new MemberEntry(
                name,
                new MemberStatus(
                        "postgres://10.0.0." + name.charAt(name.length() - 1) + ":5432/postgres",
                        "http://10.0.0.1:8008/patroni",
                        role,
                        "running",
                        2,
                        xlog == null ? null : Lsn.parse(xlog),
                        receive == null ? null : Lsn.parse(receive),
                        replay == null ? null : Lsn.parse(replay),
                        Map.of("nofailover", false, "rack", "r1"),
                        null,
                        "0.1.0",
                        null),
                7);
    }

    private static ClusterSnapshot snapshot(
            Optional<String> config, Optional<String> sync, Optional<String> switchover, Optional<String> history) {
        return new ClusterSnapshot(
                10,
                Optional.of(new LeaderKey("pg-1", 7, 9)),
                Map.of(
                        "pg-2", member("pg-2", MemberStatus.Role.REPLICA, null, "0/5000000", "0/4F00000"),
                        "pg-1", member("pg-1", MemberStatus.Role.PRIMARY, "0/5000000", null, null),
                        "pg-3", member("pg-3", MemberStatus.Role.REPLICA, null, null, null)),
                config,
                Optional.empty(),
                sync,
                switchover,
                history,
                Optional.empty(),
                Map.of());
    }

    @Test
    @SuppressWarnings("unchecked")
    void clusterHasPatronisShapeWithRolesPositionsAndLags() {
        Map<String, Object> body = PatroniCluster.cluster(
                "c",
                snapshot(
                        Optional.of("{\"synchronous_mode\":true,\"pause\":true}"),
                        Optional.of("{\"leader\":\"pg-1\",\"sync_standby\":\"pg-2\"}"),
                        Optional.of(
                                "{\"leader\":\"pg-1\",\"member\":\"pg-3\",\"scheduled_at\":\"2026-12-03T00:00:00Z\"}"),
                        Optional.empty()));
        assertThat(body).containsEntry("scope", "c").containsEntry("pause", true);
        assertThat(body.get("scheduled_switchover"))
                .isEqualTo(Map.of("at", "2026-12-03T00:00:00Z", "from", "pg-1", "to", "pg-3"));
        List<Map<String, Object>> members = (List<Map<String, Object>>) body.get("members");
        assertThat(members).extracting(m -> m.get("name")).containsExactly("pg-1", "pg-2", "pg-3");
        assertThat(members).extracting(m -> m.get("role")).containsExactly("leader", "sync_standby", "replica");
        Map<String, Object> leader = members.get(0);
        assertThat(leader)
                .containsEntry("state", "running")
                .containsEntry("host", "10.0.0.1")
                .containsEntry("port", 5432)
                .containsEntry("timeline", 2L)
                .containsEntry("api_url", "http://10.0.0.1:8008/patroni")
                .doesNotContainKeys("lag", "lsn");
        assertThat(leader.get("tags")).isEqualTo(Map.of("nofailover", false, "rack", "r1"));
        assertThat(members.get(1))
                .containsEntry("receive_lsn", "0/5000000")
                .containsEntry("receive_lag", 0L)
                .containsEntry("replay_lsn", "0/4F00000")
                .containsEntry("replay_lag", 1048576L)
                .containsEntry("lsn", "0/5000000")
                .containsEntry("lag", 0L);
        assertThat(members.get(2)).containsEntry("lag", "unknown").containsEntry("lsn", "unknown");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theVotersOfAQuorumSyncKeyAreQuorumStandbysAsInPatroni4() {
        String quorum = io.pgha.core.SyncSet.quorum(
                        "pg-1", java.util.Set.of("pg-2", "pg-3"), 1, java.util.Set.of("pg-2", "pg-3"), 1)
                .toJson();
        Map<String, Object> body = PatroniCluster.cluster(
                "c",
                snapshot(
                        Optional.of("{\"synchronous_mode\":\"quorum\"}"),
                        Optional.of(quorum),
                        Optional.empty(),
                        Optional.empty()));
        List<Map<String, Object>> members = (List<Map<String, Object>>) body.get("members");
        assertThat(members)
                .extracting(m -> m.get("role"))
                .containsExactly("leader", "quorum_standby", "quorum_standby");
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutSynchronousModeNoMemberIsASyncStandbyAndNoPauseOrScheduleIsShown() {
        Map<String, Object> body = PatroniCluster.cluster(
                "c",
                snapshot(
                        Optional.of("{\"pause\":false}"),
                        Optional.of("{\"leader\":\"pg-1\",\"sync_standby\":\"pg-2\"}"),
                        Optional.of("{\"leader\":\"pg-1\",\"member\":\"pg-3\"}"),
                        Optional.empty()));
        assertThat(body).doesNotContainKeys("pause", "scheduled_switchover");
        List<Map<String, Object>> members = (List<Map<String, Object>>) body.get("members");
        assertThat(members).extracting(m -> m.get("role")).containsExactly("leader", "replica", "replica");
    }

    @Test
    void historyIsTheHistoryKeysRowsOrEmpty() {
        String rows = "[[1,83886080,\"failover from pg-1 to pg-2\",\"2026-12-02T06:00:00Z\",\"pg-2\"]]";
        assertThat(PatroniCluster.history(
                        snapshot(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(rows))))
                .containsExactly(List.of(1, 83886080, "failover from pg-1 to pg-2", "2026-12-02T06:00:00Z", "pg-2"));
        assertThat(PatroniCluster.history(
                        snapshot(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())))
                .isEmpty();
        assertThat(PatroniCluster.history(
                        snapshot(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("not json"))))
                .as("an unreadable key answers as none")
                .isEmpty();
    }

    @Test
    void configIsTheStoredDynamicConfigurationOrAbsent() {
        assertThat(PatroniCluster.config(snapshot(
                        Optional.of("{\"ttl\":30,\"loop_wait\":10,\"postgresql\":{\"use_pg_rewind\":true}}"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())))
                .contains(Map.of("ttl", 30, "loop_wait", 10, "postgresql", Map.of("use_pg_rewind", true)));
        assertThat(PatroniCluster.config(snapshot(
                        Optional.of("{\"ttl\":30,\"use_pg_rewind\":false}"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())))
                .as("a config stored before the nested shape is answered in Patroni's")
                .contains(Map.of("ttl", 30, "postgresql", Map.of("use_pg_rewind", false)));
        assertThat(PatroniCluster.config(
                        snapshot(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())))
                .isEmpty();
        assertThat(PatroniCluster.config(
                        snapshot(Optional.of("[1]"), Optional.empty(), Optional.empty(), Optional.empty())))
                .isEmpty();
    }

    @Test
    void theViewKeepsItsSnapshotWhenItIsRefreshed() {
        ClusterSnapshot snapshot = snapshot(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        AgentView view = new AgentView(
                "c",
                "pg-1",
                io.pgha.agent.pg.PgState.stopped(),
                Optional.of("pg-1"),
                true,
                false,
                Optional.empty(),
                0,
                java.util.Set.of(),
                Map.of(),
                1,
                true,
                "0.1.0",
                false,
                Optional.empty(),
                Optional.of(snapshot));
        assertThat(view.asOfNow(true, false, true, false).cluster()).contains(snapshot);
    }
}
