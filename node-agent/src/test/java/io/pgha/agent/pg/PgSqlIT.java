package io.pgha.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's kept connection to its own PostgreSQL ({@link PgSql#onLocal}) against real servers: one
 * session for the probe and the short statements, replaced at once when the server restarted or ended
 * it, dropped when the agent starts or stops PostgreSQL, and a promotion on it.
 */
class PgSqlIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static Workspace workspace;
    private static PostgresNode primary;
    private final List<PgSql> opened = new ArrayList<>();

    @BeforeAll
    static void startPostgres() {
        workspace = Workspace.temporary("pgsql-it");
        primary = PostgresNode.primary(workspace, PostgresNode.Placement.loopback("pg-0"));
    }

    @AfterAll
    static void stopPostgres() {
        if (primary != null) {
            primary.close();
        }
        workspace.close();
    }

    @AfterEach
    void dropConnections() {
        opened.forEach(PgSql::serverRestarts);
        if (primary.accepting()) {
            Wait.until(DEADLINE, "no agent session left", () -> agentSessions(primary)
                    .isEmpty());
        }
    }

    private PgSql pgSql(PostgresNode node) {
        PgSql sql = new PgSql(new PgSettings(
                node.name(),
                node.dataDir(),
                PostgresNode.binDir(),
                node.host(),
                node.port(),
                "127.0.0.0/8",
                false,
                Map.of(),
                PostgresNode.SUPERUSER,
                Optional.empty(),
                "replicator",
                Optional.empty(),
                "pgha_monitor",
                Optional.empty(),
                true,
                Duration.ofSeconds(5),
                Duration.ofSeconds(3),
                "pgha_pooler",
                Optional.empty()));
        opened.add(sql);
        return sql;
    }

    /** Points {@code standby} at {@code upstream} (no slot), as an agent re-points a standby at a new leader. */
    private static void follow(PostgresNode standby, PostgresNode upstream) throws Exception {
        String conninfo = String.valueOf(standby.queryValue("SHOW primary_conninfo"));
        conninfo = conninfo.isBlank()
                ? "host=" + upstream.host() + " port=" + upstream.port() + " user=" + PostgresNode.SUPERUSER
                : conninfo.replaceAll("host=\\S+", "host=" + upstream.host())
                        .replaceAll("port=\\S+", "port=" + upstream.port());
        standby.execute("ALTER SYSTEM SET primary_slot_name = ''");
        standby.execute("ALTER SYSTEM SET primary_conninfo = '" + conninfo.replace("'", "''") + "'");
        standby.execute("SELECT pg_reload_conf()");
    }

    /** The backend pids of the sessions PgSql opened (application_name pgha-agent). */
    private static List<String> agentSessions(PostgresNode node) throws Exception {
        Object pids = node.queryValue("SELECT string_agg(pid::text, ',' ORDER BY pid) FROM pg_stat_activity"
                + " WHERE application_name = 'pgha-agent'");
        return pids == null ? List.of() : List.of(pids.toString().split(","));
    }

    @Test
    void theProbeAndTheShortStatementsShareOneSession() throws Exception {
        PgSql sql = pgSql(primary);
        assertThat(sql.probe().isPrimary()).isTrue();
        List<String> first = agentSessions(primary);
        assertThat(first).hasSize(1);
        for (int i = 0; i < 5; i++) {
            assertThat(sql.probe().isPrimary()).isTrue();
        }
        sql.reload();
        sql.checkpoint();
        assertThat(sql.systemIdentifier()).matches("[0-9]+");
        sql.ensureSlots(List.of("it_slot", "Not-A-Slot"));
        assertThat(primary.queryValue("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'it_slot'"))
                .isEqualTo(1L);
        assertThat(agentSessions(primary)).isEqualTo(first);
        primary.execute("SELECT pg_drop_replication_slot('it_slot')");
    }

    @Test
    void aServerRestartedUnderTheKeptSessionIsProbedRunningOnTheFirstCall() throws Exception {
        PgSql sql = pgSql(primary);
        assertThat(sql.probe().isPrimary()).isTrue();
        List<String> before = agentSessions(primary);
        primary.stop();
        primary.start(); // behind the agent's back: the kept socket is stale now
        PgState after = sql.probe();
        assertThat(after.isPrimary()).as("probe after the restart: %s", after).isTrue();
        assertThat(agentSessions(primary)).hasSize(1).doesNotContainAnyElementsOf(before);
    }

    @Test
    void aTerminatedSessionIsReplacedWithinTheSameCall() throws Exception {
        PgSql sql = pgSql(primary);
        assertThat(sql.probe().isPrimary()).isTrue();
        String pid = agentSessions(primary).get(0);
        primary.execute("SELECT pg_terminate_backend(" + pid + ")");
        Wait.until(DEADLINE, "session " + pid + " gone", () -> !agentSessions(primary)
                .contains(pid));
        assertThat(sql.systemIdentifier()).matches("[0-9]+");
        assertThat(agentSessions(primary)).hasSize(1).doesNotContain(pid);
    }

    @Test
    void startingOrStoppingPostgresDropsTheSession() throws Exception {
        PgSql sql = pgSql(primary);
        assertThat(sql.probe().isPrimary()).isTrue();
        assertThat(agentSessions(primary)).hasSize(1);
        sql.serverRestarts();
        Wait.until(DEADLINE, "the agent's session closed", () -> agentSessions(primary)
                .isEmpty());
    }

    @Test
    void callsFromTwoThreadsAtOnceAllSucceedAndOnlyOneSessionIsKept() throws Exception {
        PgSql sql = pgSql(primary);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                runs.add(threads.submit(() -> {
                    int primaries = 0;
                    for (int i = 0; i < 40; i++) {
                        primaries += sql.probe().isPrimary() ? 1 : 0;
                    }
                    return primaries;
                }));
            }
            for (Future<Integer> run : runs) {
                assertThat(run.get(60, TimeUnit.SECONDS)).isEqualTo(40);
            }
        } finally {
            threads.shutdownNow();
        }
        Wait.until(
                DEADLINE,
                "only the kept session left",
                () -> agentSessions(primary).size() == 1);
    }

    @Test
    void aStandbyIsPromotedOnTheKeptSession() throws Exception {
        PostgresNode replica = PostgresNode.replica(workspace, PostgresNode.Placement.loopback("pg-1"), primary);
        try {
            PgSql sql = pgSql(replica);
            assertThat(sql.probe().isStandby()).isTrue();
            List<String> session = agentSessions(replica);
            sql.promote();
            assertThat(sql.probe().isPrimary()).isTrue();
            assertThat(agentSessions(replica)).isEqualTo(session).hasSize(1);
        } finally {
            opened.forEach(PgSql::serverRestarts);
            replica.close();
        }
    }

    /**
     * A standby that streamed a newer timeline and then lost its WAL receiver (detached by a failover,
     * or its upstream gone) reports that timeline, not its last restartpoint's (which is still the old
     * one): quorum commit's failover compares the detached standbys' positions only on one timeline.
     */
    @Test
    void aStandbyWithoutWalReceiverReportsTheTimelineItStreamedNotItsLastRestartpoints() throws Exception {
        PostgresNode promoted = PostgresNode.replica(workspace, PostgresNode.Placement.loopback("pg-2"), primary);
        PostgresNode follower = null;
        try {
            follower = PostgresNode.replica(workspace, PostgresNode.Placement.loopback("pg-3"), primary);
            promoted.execute("SELECT pg_promote()");
            Wait.until(DEADLINE, promoted.name() + " promoted", () -> !promoted.inRecovery());
            follow(follower, promoted);
            PostgresNode standby = follower;
            Wait.until(DEADLINE, standby.name() + " streaming timeline 2 from " + promoted.name(), () -> Long.valueOf(2)
                    .equals(standby.queryValue(
                            "SELECT received_tli::bigint FROM pg_stat_wal_receiver" + " WHERE status = 'streaming'")));
            PgSql sql = pgSql(standby);
            assertThat(sql.probe().timeline()).as("while streaming").isEqualTo(2);

            standby.execute("ALTER SYSTEM SET primary_conninfo = ''");
            standby.execute("SELECT pg_reload_conf()");
            Wait.until(DEADLINE, standby.name() + "'s WAL receiver gone", () -> standby.queryValue(
                            "SELECT count(*) FROM pg_stat_wal_receiver")
                    .equals(0L));
            // what the probe must not report; a restartpoint since (checkpoint_timeout is 5 min) would leave
            // nothing to tell apart
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    Long.valueOf(1)
                            .equals(standby.queryValue("SELECT timeline_id::bigint FROM pg_control_checkpoint()")),
                    "the last restartpoint is still on timeline 1");
            assertThat(sql.probe().timeline()).as("without a WAL receiver").isEqualTo(2);
        } finally {
            opened.forEach(PgSql::serverRestarts);
            if (follower != null) {
                follower.close();
            }
            promoted.close();
            primary.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name IN ('pg_2', 'pg_3') AND NOT active");
        }
    }

    /**
     * The fork check's reading ({@link PgSql#replayPoint}): the position recovery replayed and the timeline
     * it replays, not the one the WAL receiver streams. A standby that got more of the old primary's WAL
     * than the member promoted (here: the promoted one stopped streaming, then the primary wrote on) has
     * replayed past the fork on the old timeline, however it was re-pointed: the verdict is DIVERGED.
     * A standby re-pointed without extra WAL reaches the new timeline.
     */
    @Test
    void theReplayPointTellsAStandbyThatReplayedPastTheForkFromOneThatFollows() throws Exception {
        PostgresNode promoted = PostgresNode.replica(workspace, PostgresNode.Placement.loopback("pg-4"), primary);
        PostgresNode ahead = null;
        PostgresNode follower = null;
        try {
            ahead = PostgresNode.replica(workspace, PostgresNode.Placement.loopback("pg-5"), primary);
            follower = PostgresNode.replica(workspace, PostgresNode.Placement.loopback("pg-6"), primary);
            primary.execute("CREATE TABLE IF NOT EXISTS fork_check (id int)");
            primary.execute("INSERT INTO fork_check VALUES (1)");
            Object before = primary.queryValue("SELECT pg_current_wal_flush_lsn()::text");
            for (PostgresNode standby : List.of(promoted, ahead, follower)) {
                Wait.until(
                        DEADLINE,
                        standby.name() + " replayed " + before,
                        () -> Boolean.TRUE.equals(
                                standby.queryValue("SELECT pg_last_wal_replay_lsn() >= '" + before + "'::pg_lsn")));
            }
            PgSql aheadSql = pgSql(ahead);
            io.pgha.agent.decide.TimelineFork.ReplayPoint onOne = aheadSql.replayPoint();
            assertThat(onOne.timeline()).as("streaming timeline 1").isEqualTo(1);

            // follower stops streaming first, so that it has no more than the member promoted next
            for (PostgresNode standby : List.of(follower, promoted)) {
                standby.execute("ALTER SYSTEM SET primary_conninfo = ''");
                standby.execute("SELECT pg_reload_conf()");
                Wait.until(DEADLINE, standby.name() + "'s WAL receiver gone", () -> standby.queryValue(
                                "SELECT count(*) FROM pg_stat_wal_receiver")
                        .equals(0L));
            }
            primary.execute("INSERT INTO fork_check VALUES (2)");
            Object extra = primary.queryValue("SELECT pg_current_wal_flush_lsn()::text");
            PostgresNode aheadNode = ahead;
            Wait.until(
                    DEADLINE,
                    ahead.name() + " replayed the old primary's extra WAL",
                    () -> Boolean.TRUE.equals(
                            aheadNode.queryValue("SELECT pg_last_wal_replay_lsn() >= '" + extra + "'::pg_lsn")));
            promoted.execute("SELECT pg_promote()");
            Wait.until(DEADLINE, promoted.name() + " promoted", () -> !promoted.inRecovery());
            String history = String.valueOf(promoted.queryValue("SELECT pg_read_file('pg_wal/00000002.history')"));
            for (PostgresNode standby : List.of(ahead, follower)) {
                follow(standby, promoted);
            }
            PgSql followerSql = pgSql(follower);
            Wait.until(
                    DEADLINE,
                    follower.name() + " replays timeline 2",
                    () -> followerSql.replayPoint().timeline() == 2);
            assertThat(io.pgha.agent.decide.TimelineFork.verdict(followerSql.replayPoint(), 2, () -> history))
                    .isEqualTo(io.pgha.agent.decide.TimelineFork.Verdict.ON_LEADER_TIMELINE);

            io.pgha.agent.decide.TimelineFork.ReplayPoint diverged = aheadSql.replayPoint();
            assertThat(diverged.timeline()).as("the timeline recovery replays").isEqualTo(1);
            assertThat(io.pgha.agent.decide.TimelineFork.verdict(diverged, 2, () -> history))
                    .as(ahead.name() + " at " + diverged.replayed() + ", history " + history)
                    .isEqualTo(io.pgha.agent.decide.TimelineFork.Verdict.DIVERGED);
        } finally {
            opened.forEach(PgSql::serverRestarts);
            for (PostgresNode node : java.util.Arrays.asList(follower, ahead)) {
                if (node != null) {
                    node.close();
                }
            }
            promoted.close();
            primary.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name IN ('pg_4', 'pg_5', 'pg_6') AND NOT active");
        }
    }
}
