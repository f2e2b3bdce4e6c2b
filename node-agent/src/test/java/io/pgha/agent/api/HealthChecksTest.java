package io.pgha.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.agent.pg.PgState;
import io.pgha.events.Lsn;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthChecksTest {
    private static PgState pg(boolean recovery, String receive) {
        return new PgState(
                true,
                true,
                recovery,
                1,
                recovery ? null : Lsn.parse("0/5000000"),
                receive == null ? null : Lsn.parse(receive),
                receive == null ? null : Lsn.parse(receive),
                recovery ? "streaming" : null,
                null,
                0,
                150004,
                "7",
                null,
                false,
                null,
                "",
                false,
                List.of());
    }

    private static AgentView view(PgState pg, boolean leaderIsMine, boolean fenced, Set<String> sync) {
        return new AgentView(
                "c",
                "m",
                pg,
                Optional.of(leaderIsMine ? "m" : "p"),
                leaderIsMine,
                fenced,
                Optional.of(Lsn.parse("0/5000000")),
                1 << 20,
                sync,
                Map.of("nofailover", false, "noloadbalance", false),
                1,
                true,
                "0.1.0",
                false,
                Optional.empty());
    }

    private static int status(String path, Map<String, List<String>> query, AgentView v) {
        return HealthChecks.evaluate(path, query, v).status();
    }

    @Test
    void primaryEndpointsAre200OnlyOnTheUnfencedPrimaryHoldingTheKey() {
        AgentView primary = view(pg(false, null), true, false, Set.of());
        for (String path : List.of("/", "/primary", "/master", "/read-write", "/leader")) {
            assertThat(status(path, Map.of(), primary)).as(path).isEqualTo(200);
            assertThat(status(path, Map.of(), view(pg(false, null), true, true, Set.of())))
                    .as("fenced " + path)
                    .isEqualTo(503);
            assertThat(status(path, Map.of(), view(pg(false, null), false, false, Set.of())))
                    .as("no key " + path)
                    .isEqualTo(503);
        }
        assertThat(status("/replica", Map.of(), primary)).isEqualTo(503);
    }

    @Test
    void aPrimaryThatIsSteppingDownFailsPrimaryChecksBeforeItsNextProbe() {
        AgentView lastProbe = view(pg(false, null), true, false, Set.of());
        assertThat(status("/primary", Map.of(), lastProbe.asOfNow(false, false, true, true)))
                .as("still acting as primary")
                .isEqualTo(200);
        assertThat(status("/primary", Map.of(), lastProbe.asOfNow(false, true, true, true)))
                .as("handover under way")
                .isEqualTo(503);
        assertThat(status("/primary", Map.of(), lastProbe.asOfNow(false, false, false, true)))
                .as("leader key released, the view not yet refreshed")
                .isEqualTo(503);
        assertThat(status("/primary", Map.of(), lastProbe.asOfNow(true, false, true, true)))
                .as("fenced")
                .isEqualTo(503);
        AgentView replica = view(pg(true, "0/5000000"), false, false, Set.of());
        assertThat(status("/replica", Map.of(), replica.asOfNow(false, false, false, true)))
                .as("a replica never acts as primary and stays a healthy replica")
                .isEqualTo(200);
    }

    @Test
    void replicaHonoursLagInBytesOrUnitsAndTags() {
        AgentView replica = view(pg(true, "0/4F00000"), false, false, Set.of()); // 1 MiB behind
        assertThat(status("/replica", Map.of(), replica)).isEqualTo(200);
        assertThat(status("/replica", Map.of("lag", List.of("16MB")), replica)).isEqualTo(200);
        assertThat(status("/replica", Map.of("lag", List.of("1048576")), replica))
                .isEqualTo(200);
        assertThat(status("/replica", Map.of("lag", List.of("1000")), replica)).isEqualTo(503);
        assertThat(status("/replica", Map.of("tag_nofailover", List.of("false")), replica))
                .isEqualTo(200);
        assertThat(status("/replica", Map.of("tag_nofailover", List.of("true")), replica))
                .isEqualTo(503);
        assertThat(status("/replica", Map.of("tag_unknown", List.of("x")), replica))
                .isEqualTo(503);
        assertThat(status("/primary", Map.of(), replica)).isEqualTo(503);
    }

    @Test
    void aBadLagIs400WithTheReason() {
        HealthChecks.Result r = HealthChecks.evaluate(
                "/replica", Map.of("lag", List.of("abc")), view(pg(true, "0/5000000"), false, false, Set.of()));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.reason()).contains("lag").contains("'abc' is not a size");
    }

    @Test
    void syncAndAsyncFollowTheSyncKey() {
        AgentView sync = view(pg(true, "0/5000000"), false, false, Set.of("m"));
        AgentView async = view(pg(true, "0/5000000"), false, false, Set.of("x"));
        assertThat(status("/sync", Map.of(), sync)).isEqualTo(200);
        assertThat(status("/async", Map.of(), sync)).isEqualTo(503);
        assertThat(status("/sync", Map.of(), async)).isEqualTo(503);
        assertThat(status("/async", Map.of(), async)).isEqualTo(200);
    }

    @Test
    void patroniBodyUsesPatronisFieldNames() {
        Map<String, Object> body = PatroniStatus.of(view(pg(true, "0/5000000"), false, false, Set.of()));
        assertThat(body)
                .containsKeys(
                        "state",
                        "role",
                        "server_version",
                        "xlog",
                        "timeline",
                        "replication_state",
                        "replication",
                        "pause",
                        "cluster_unlocked",
                        "dcs_last_seen",
                        "tags",
                        "database_system_identifier",
                        "patroni");
        assertThat(body.get("role")).isEqualTo("replica");
        @SuppressWarnings("unchecked")
        Map<String, Object> xlog = (Map<String, Object>) body.get("xlog");
        assertThat(xlog).containsKeys("received_location", "replayed_location", "replayed_timestamp", "paused");
    }

    @Test
    void patroniReportsTheLastErrorOnlyWhileThereIsOne() {
        AgentView ok = view(pg(true, "0/5000000"), false, false, Set.of());
        assertThat(PatroniStatus.of(ok)).doesNotContainKey("last_error");
        AgentView failing = new AgentView(
                ok.scope(),
                ok.name(),
                PgState.stopped(),
                ok.leader(),
                false,
                false,
                ok.leaderLsn(),
                ok.maximumLagOnFailover(),
                ok.syncStandbys(),
                ok.tags(),
                ok.dcsLastSeenEpochSeconds(),
                true,
                ok.version(),
                false,
                Optional.of(new LastError("clone", "authentication failed", true, 3, 37.5)));
        assertThat(PatroniStatus.of(failing))
                .containsEntry(
                        "last_error",
                        Map.of(
                                "action",
                                "clone",
                                "reason",
                                "authentication failed",
                                "permanent",
                                true,
                                "failures",
                                3,
                                "next_attempt_in",
                                37.5));
    }

    @Test
    void patroniReportsTheRealPause() {
        AgentView running = view(pg(false, null), true, false, Set.of());
        assertThat(PatroniStatus.of(running)).containsEntry("pause", false);
        AgentView paused = new AgentView(
                running.scope(),
                running.name(),
                running.pg(),
                running.leader(),
                running.leaderIsMine(),
                running.fenced(),
                running.leaderLsn(),
                running.maximumLagOnFailover(),
                running.syncStandbys(),
                running.tags(),
                running.dcsLastSeenEpochSeconds(),
                running.loopAlive(),
                running.version(),
                true,
                Optional.empty());
        assertThat(PatroniStatus.of(paused)).containsEntry("pause", true);
        assertThat(PatroniStatus.of(paused.asOfNow(true, false, true, true)))
                .as("the REST view keeps pause when it is refreshed")
                .containsEntry("pause", true);
    }
}
