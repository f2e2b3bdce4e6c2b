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
        return pg(recovery, receive, receive, recovery ? "streaming" : null);
    }

    private static PgState pg(boolean recovery, String receive, String replay, String receiverStatus) {
        return new PgState(
                true,
                true,
                recovery,
                1,
                recovery ? null : Lsn.parse("0/5000000"),
                receive == null ? null : Lsn.parse(receive),
                replay == null ? null : Lsn.parse(replay),
                receiverStatus,
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

    private static final Map<String, Object> BUILT_IN =
            Map.of("nofailover", false, "failover_priority", 1, "noloadbalance", false, "nosync", false);

    private static AgentView view(PgState pg, boolean leaderIsMine, boolean fenced, Set<String> sync) {
        return view(pg, leaderIsMine, fenced, sync, Map.of("nofailover", false, "noloadbalance", false), false, true);
    }

    private static AgentView view(
            PgState pg,
            boolean leaderIsMine,
            boolean fenced,
            Set<String> sync,
            Map<String, Object> tags,
            boolean paused,
            boolean loopAlive) {
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
                tags,
                1,
                loopAlive,
                "0.1.0",
                paused,
                Optional.empty(),
                Optional.empty());
    }

    private static Map<String, Object> tags(Map<String, Object> custom) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(BUILT_IN);
        all.putAll(custom);
        return all;
    }

    private static Map<String, List<String>> q(String... keyValues) {
        Map<String, List<String>> query = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            query.put(keyValues[i], List.of(keyValues[i + 1]));
        }
        return query;
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
                Optional.of(new LastError("clone", "authentication failed", true, 3, 37.5)),
                Optional.empty());
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
                Optional.empty(),
                Optional.empty());
        assertThat(PatroniStatus.of(paused)).containsEntry("pause", true);
        assertThat(PatroniStatus.of(paused.asOfNow(true, false, true, true)))
                .as("the REST view keeps pause when it is refreshed")
                .containsEntry("pause", true);
    }

    // 1. tags

    @Test
    void customTagsFilterReplicaChecksAsPatroniComparesThem() {
        AgentView replica = view(
                pg(true, "0/5000000"),
                false,
                false,
                Set.of(),
                tags(Map.of("rack", "r1", "ssd", true, "zone", 3L)),
                false,
                true);
        for (String path : List.of("/replica", "/read-only", "/async", "/asynchronous", "/health")) {
            assertThat(status(path, q("tag_rack", "r1"), replica)).as(path).isEqualTo(200);
            assertThat(status(path, q("tag_rack", "r1", "tag_ssd", "true", "tag_zone", "3"), replica))
                    .as(path + " every tag matches")
                    .isEqualTo(200);
            assertThat(status(path, q("tag_rack", "r2"), replica))
                    .as(path + " other value")
                    .isEqualTo(503);
            assertThat(status(path, q("tag_rack", "R1"), replica))
                    .as(path + " text is compared exactly, as in Patroni")
                    .isEqualTo(503);
            assertThat(status(path, q("tag_ssd", "True"), replica))
                    .as(path + " a boolean matches only in lower case (str(value).lower())")
                    .isEqualTo(503);
            assertThat(status(path, q("tag_rack", "r1", "tag_ssd", "false"), replica))
                    .as(path + " one tag differs")
                    .isEqualTo(503);
            assertThat(status(path, q("tag_dc", "x"), replica))
                    .as(path + " tag not set")
                    .isEqualTo(503);
            assertThat(status(path, q("tag_rack", ""), replica))
                    .as(path + " a blank value is ignored, as parse_qs drops it")
                    .isEqualTo(200);
            assertThat(status(path, q("tag_failover_priority", "1", "tag_nosync", "false"), replica))
                    .as(path + " built-in tags match too")
                    .isEqualTo(200);
        }
        AgentView sync =
                view(pg(true, "0/5000000"), false, false, Set.of("m"), tags(Map.of("rack", "r1")), false, true);
        for (String path : List.of("/sync", "/synchronous", "/read-only-sync", "/read-only-synchronous")) {
            assertThat(status(path, q("tag_rack", "r1"), sync)).as(path).isEqualTo(200);
            assertThat(status(path, q("tag_rack", "r2"), sync)).as(path).isEqualTo(503);
        }
    }

    @Test
    void tagFiltersAreIgnoredOnPrimaryAndLeaderChecks() {
        AgentView primary = view(pg(false, null), true, false, Set.of(), tags(Map.of("rack", "r1")), false, true);
        for (String path : List.of("/", "/primary", "/master", "/read-write", "/leader")) {
            assertThat(status(path, q("tag_rack", "r2"), primary)).as(path).isEqualTo(200);
            assertThat(status(path, q("tag_dc", "x", "tag_nofailover", "true"), primary))
                    .as(path)
                    .isEqualTo(200);
        }
        assertThat(status("/read-only", q("tag_rack", "r1"), primary)).isEqualTo(200);
        assertThat(status("/read-only", q("tag_rack", "r2"), primary))
                .as("Patroni filters /read-only by tags, the primary included")
                .isEqualTo(503);
    }

    @Test
    void noloadbalanceTakesAReplicaOutOfEveryReplicaCheckButNotThePrimaryOutOfReadOnly() {
        Map<String, Object> noLb = tags(Map.of("noloadbalance", true));
        AgentView replica = view(pg(true, "0/5000000"), false, false, Set.of(), noLb, false, true);
        AgentView sync = view(pg(true, "0/5000000"), false, false, Set.of("m"), noLb, false, true);
        for (String path : List.of("/replica", "/read-only", "/async")) {
            assertThat(status(path, Map.of(), replica)).as(path).isEqualTo(503);
        }
        assertThat(status("/sync", Map.of(), sync)).isEqualTo(503);
        assertThat(status("/read-only-sync", Map.of(), sync)).isEqualTo(503);
        assertThat(status("/health", Map.of(), replica)).as("still healthy").isEqualTo(200);
        AgentView primary = view(pg(false, null), true, false, Set.of(), noLb, false, true);
        assertThat(status("/read-only", Map.of(), primary)).isEqualTo(200);
        assertThat(status("/primary", Map.of(), primary)).isEqualTo(200);
    }

    @Test
    void lagNeverAppliesToThePrimaryOnReadOnly() {
        AgentView primary = view(pg(false, null), true, false, Set.of());
        assertThat(status("/read-only", q("lag", "0"), primary)).isEqualTo(200);
        assertThat(status("/read-only-sync", q("lag", "0"), primary)).isEqualTo(200);
        AgentView replica = view(pg(true, "0/4F00000"), false, false, Set.of()); // 1 MiB behind
        assertThat(status("/read-only", q("lag", "1000"), replica)).isEqualTo(503);
        assertThat(status("/read-only", q("lag", "1MB"), replica)).isEqualTo(200);
    }

    @Test
    void replicaLagIsCountedOnTheReplayedPositionAsInPatroni() {
        // everything received, 1 MiB not yet replayed
        AgentView replica = view(pg(true, "0/5000000", "0/4F00000", "streaming"), false, false, Set.of());
        assertThat(status("/replica", q("lag", "1000"), replica)).isEqualTo(503);
        assertThat(status("/async", q("lag", "1000"), replica)).isEqualTo(503);
        assertThat(status("/replica", q("lag", "1MB"), replica)).isEqualTo(200);
    }

    // 2. paths and query parameters

    @Test
    void readOnlySyncAndQuorumPaths() {
        AgentView primary = view(pg(false, null), true, false, Set.of());
        AgentView sync = view(pg(true, "0/5000000"), false, false, Set.of("m"));
        AgentView async = view(pg(true, "0/5000000"), false, false, Set.of("x"));
        for (String path : List.of("/read-only-sync", "/read-only-synchronous")) {
            assertThat(status(path, Map.of(), primary)).as(path).isEqualTo(200);
            assertThat(status(path, Map.of(), sync)).as(path).isEqualTo(200);
            assertThat(status(path, Map.of(), async)).as(path).isEqualTo(503);
        }
        // a FIRST sync key: no member is a quorum standby
        for (AgentView v : List.of(primary, sync, async)) {
            assertThat(status("/quorum", Map.of(), v)).isEqualTo(503);
        }
        assertThat(status("/read-only-quorum", Map.of(), primary)).isEqualTo(200);
        assertThat(status("/read-only-quorum", Map.of(), sync)).isEqualTo(503);
        assertThat(status("/read-only-quorum", Map.of(), async)).isEqualTo(503);
    }

    @Test
    void aVoterOfAQuorumSyncKeyIsAQuorumStandbyNotASyncOne() {
        String quorum = io.pgha.core.SyncSet.quorum("p", Set.of("m", "y"), 1, Set.of("m", "y"), 1)
                .toJson();
        AgentView voter = withSync(view(pg(true, "0/5000000"), false, false, Set.of("m", "y")), quorum);
        AgentView other = withSync(view(pg(true, "0/5000000"), false, false, Set.of("x", "y")), quorum);
        AgentView primary = withSync(view(pg(false, null), true, false, Set.of("x", "y")), quorum);
        assertThat(status("/quorum", Map.of(), voter)).isEqualTo(200);
        assertThat(status("/read-only-quorum", Map.of(), voter)).isEqualTo(200);
        assertThat(status("/sync", Map.of(), voter)).isEqualTo(503);
        assertThat(status("/async", Map.of(), voter)).isEqualTo(503);
        assertThat(status("/quorum", Map.of(), other)).isEqualTo(503);
        assertThat(status("/read-only-quorum", Map.of(), other)).isEqualTo(503);
        assertThat(status("/async", Map.of(), other)).isEqualTo(200);
        assertThat(status("/quorum", Map.of(), primary)).isEqualTo(503);
        assertThat(status("/read-only-quorum", Map.of(), primary)).isEqualTo(200);
        // a quorum standby that is fenced is not one
        AgentView fenced = withSync(view(pg(true, "0/5000000"), false, true, Set.of("m")), quorum);
        assertThat(status("/quorum", Map.of(), fenced)).isEqualTo(503);
        // /patroni says so as Patroni 4 does: quorum_standby on the voter, sync_standby on none
        assertThat(PatroniStatus.of(voter))
                .containsEntry("quorum_standby", true)
                .doesNotContainKey("sync_standby");
        assertThat(PatroniStatus.of(other)).doesNotContainKeys("quorum_standby", "sync_standby");
        assertThat(PatroniStatus.of(primary)).doesNotContainKey("quorum_standby");
        assertThat(PatroniStatus.of(fenced)).doesNotContainKey("quorum_standby");
    }

    private static AgentView withSync(AgentView v, String syncJson) {
        io.pgha.core.store.ClusterSnapshot snapshot = new io.pgha.core.store.ClusterSnapshot(
                1,
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(syncJson),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Map.of());
        return new AgentView(
                v.scope(),
                v.name(),
                v.pg(),
                v.leader(),
                v.leaderIsMine(),
                v.fenced(),
                v.leaderLsn(),
                v.maximumLagOnFailover(),
                v.syncStandbys(),
                v.tags(),
                v.dcsLastSeenEpochSeconds(),
                v.loopAlive(),
                v.version(),
                v.paused(),
                v.lastError(),
                Optional.of(snapshot));
    }

    @Test
    void standbyLeaderInBothSpellingsIs503WithoutAStandbyCluster() {
        AgentView primary = view(pg(false, null), true, false, Set.of());
        AgentView replica = view(pg(true, "0/5000000"), false, false, Set.of());
        for (String path : List.of("/standby-leader", "/standby_leader")) {
            assertThat(status(path, Map.of(), primary)).as(path).isEqualTo(503);
            assertThat(status(path, Map.of(), replica)).as(path).isEqualTo(503);
        }
        assertThat(HealthChecks.PATHS).contains("/standby_leader", "/standby-leader");
    }

    @Test
    void replicationStateFiltersReplicas() {
        AgentView streaming = view(pg(true, "0/5000000"), false, false, Set.of());
        AgentView archiveOnly = view(pg(true, "0/5000000", "0/5000000", null), false, false, Set.of());
        assertThat(status("/replica", q("replication_state", "streaming"), streaming))
                .isEqualTo(200);
        assertThat(status("/replica", q("replication_state", "streaming"), archiveOnly))
                .isEqualTo(503);
        assertThat(status("/replica", q("replication_state", "stopped"), archiveOnly))
                .isEqualTo(200);
        assertThat(status("/read-only", q("replication_state", "streaming"), archiveOnly))
                .isEqualTo(503);
        assertThat(status(
                        "/read-only",
                        q("replication_state", "streaming"),
                        view(pg(false, null), true, false, Set.of())))
                .as("not applied to the primary on /read-only")
                .isEqualTo(200);
        HealthChecks.Result bad = HealthChecks.evaluate("/replica", q("replication_state", "fast"), streaming);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.reason())
                .contains("replication_state")
                .contains("'fast'")
                .contains("streaming");
    }

    @Test
    void readinessCountsLagByModeAgainstTheGivenOrConfiguredLimit() {
        // received up to the leader, replayed 1 MiB behind
        AgentView replica = view(pg(true, "0/5000000", "0/4F00000", "streaming"), false, false, Set.of());
        assertThat(status("/readiness", Map.of(), replica))
                .as("1 MiB within maximum_lag_on_failover (1 MiB)")
                .isEqualTo(200);
        assertThat(status("/readiness", q("lag", "1000"), replica))
                .as("apply lag by default")
                .isEqualTo(503);
        assertThat(status("/readiness", q("lag", "1000", "mode", "apply"), replica))
                .isEqualTo(503);
        assertThat(status("/readiness", q("lag", "1000", "mode", "write"), replica))
                .isEqualTo(200);
        AgentView notStreaming = view(pg(true, "0/5000000", "0/5000000", null), false, false, Set.of());
        assertThat(status("/readiness", Map.of(), notStreaming)).isEqualTo(503);
        assertThat(status("/readiness", q("lag", "0"), view(pg(false, null), true, false, Set.of())))
                .as("the leader is ready")
                .isEqualTo(200);
        assertThat(status("/readiness", Map.of(), view(pg(false, null), true, true, Set.of())))
                .as("a fenced leader is not")
                .isEqualTo(503);
        HealthChecks.Result bad = HealthChecks.evaluate("/readiness", q("mode", "flush"), replica);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.reason()).contains("mode").contains("'flush'").contains("apply or write");
        assertThat(HealthChecks.evaluate("/readiness", q("lag", "-1kB"), replica)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void anUnknownPathIs404WithItsName() {
        HealthChecks.Result r =
                HealthChecks.evaluate("/replicas", Map.of(), view(pg(true, "0/5000000"), false, false, Set.of()));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.reason()).contains("/replicas");
    }

    // 3. liveness

    @Test
    void livenessThresholdIsTtlOnAPrimaryAndTwiceTtlElsewhereAfterTheNextRunWasDue() {
        java.time.Duration loopWait = java.time.Duration.ofSeconds(1);
        java.time.Duration ttl = java.time.Duration.ofSeconds(10);
        assertThat(HealthChecks.loopAlive(true, java.time.Duration.ofMillis(10_999), loopWait, ttl))
                .isTrue();
        assertThat(HealthChecks.loopAlive(true, java.time.Duration.ofSeconds(11), loopWait, ttl))
                .isFalse();
        assertThat(HealthChecks.loopAlive(false, java.time.Duration.ofSeconds(11), loopWait, ttl))
                .isTrue();
        assertThat(HealthChecks.loopAlive(false, java.time.Duration.ofMillis(20_999), loopWait, ttl))
                .isTrue();
        assertThat(HealthChecks.loopAlive(false, java.time.Duration.ofSeconds(21), loopWait, ttl))
                .isFalse();
    }

    @Test
    void livenessIs200WhilePausedEvenWithAStuckLoop() {
        PgState primary = pg(false, null);
        assertThat(status("/liveness", Map.of(), view(primary, true, false, Set.of(), BUILT_IN, false, true)))
                .isEqualTo(200);
        assertThat(status("/liveness", Map.of(), view(primary, true, false, Set.of(), BUILT_IN, false, false)))
                .isEqualTo(503);
        assertThat(status("/liveness", Map.of(), view(primary, true, false, Set.of(), BUILT_IN, true, false)))
                .as("paused")
                .isEqualTo(200);
        assertThat(status(
                        "/liveness", q("tag_rack", "x"), view(primary, false, false, Set.of(), BUILT_IN, false, true)))
                .as("no tag filter on liveness")
                .isEqualTo(200);
    }

    // 4. /patroni fields

    @Test
    void patroniReportsSyncStandbyOnlyOnASynchronousStandby() {
        assertThat(PatroniStatus.of(view(pg(true, "0/5000000"), false, false, Set.of("m"))))
                .containsEntry("sync_standby", true);
        assertThat(PatroniStatus.of(view(pg(true, "0/5000000"), false, false, Set.of("x"))))
                .doesNotContainKey("sync_standby");
        assertThat(PatroniStatus.of(view(pg(false, null), true, false, Set.of("m"))))
                .as("a primary is no sync standby even if its name were in the key")
                .doesNotContainKey("sync_standby");
    }

    @Test
    void patroniReportsPendingRestartOnlyWhilePostgresSaysSoAndNeverAScheduledRestartOrFailsafe() {
        PgState ok = pg(false, null);
        PgState pending = new PgState(
                ok.running(),
                ok.accepting(),
                ok.inRecovery(),
                ok.timeline(),
                ok.writeLsn(),
                ok.receiveLsn(),
                ok.replayLsn(),
                ok.walReceiverStatus(),
                ok.senderHost(),
                ok.senderPort(),
                ok.serverVersion(),
                ok.systemIdentifier(),
                ok.replayTimestamp(),
                ok.replayPaused(),
                ok.postmasterStart(),
                ok.syncStandbyNames(),
                true,
                ok.replication());
        assertThat(PatroniStatus.of(view(ok, true, false, Set.of()))).doesNotContainKey("pending_restart");
        Map<String, Object> body = PatroniStatus.of(view(pending, true, false, Set.of()));
        assertThat(body).containsEntry("pending_restart", true).doesNotContainKey("pending_restart_reason");
        Map<String, Map<String, String>> reason =
                Map.of("max_connections", Map.of("old_value", "50", "new_value", "60"));
        assertThat(PatroniStatus.of(view(pending.withPendingRestartReason(reason), true, false, Set.of())))
                .containsEntry("pending_restart_reason", reason);
        assertThat(body).doesNotContainKey("scheduled_restart");
        assertThat(body).containsEntry("failsafe_mode_is_active", false);
    }
}
