package io.pgha.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.agent.pg.PgState;
import io.pgha.events.Lsn;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PatroniMetricsTest {
    private static final Instant STARTED = Instant.ofEpochSecond(1724873966, 352526000);

    /**
     * The example of Patroni 4's docs/rest_api.rst ("GET /metrics"), for a primary of scope batman,
     * line by line. One value differs: the docs' example shows {@code patroni_postgres_streaming} 1 on
     * the primary, where Patroni reports the primary's replication_state (none, so 0).
     */
    private static final String DOCUMENTED_PRIMARY =
            """
            # HELP patroni_version Patroni semver without periods.
            # TYPE patroni_version gauge
            patroni_version{scope="batman",name="patroni1"} 040000
            # HELP patroni_postgres_running Value is 1 if Postgres is running, 0 otherwise.
            # TYPE patroni_postgres_running gauge
            patroni_postgres_running{scope="batman",name="patroni1"} 1
            # HELP patroni_postmaster_start_time Epoch seconds since Postgres started.
            # TYPE patroni_postmaster_start_time gauge
            patroni_postmaster_start_time{scope="batman",name="patroni1"} 1724873966.352526
            # HELP patroni_primary Value is 1 if this node is the leader, 0 otherwise.
            # TYPE patroni_primary gauge
            patroni_primary{scope="batman",name="patroni1"} 1
            # HELP patroni_xlog_location Current location of the Postgres transaction log, 0 if this node is not the leader.
            # TYPE patroni_xlog_location counter
            patroni_xlog_location{scope="batman",name="patroni1"} 22320573386952
            # HELP patroni_standby_leader Value is 1 if this node is the standby_leader, 0 otherwise.
            # TYPE patroni_standby_leader gauge
            patroni_standby_leader{scope="batman",name="patroni1"} 0
            # HELP patroni_replica Value is 1 if this node is a replica, 0 otherwise.
            # TYPE patroni_replica gauge
            patroni_replica{scope="batman",name="patroni1"} 0
            # HELP patroni_sync_standby Value is 1 if this node is a sync standby replica, 0 otherwise.
            # TYPE patroni_sync_standby gauge
            patroni_sync_standby{scope="batman",name="patroni1"} 0
            # HELP patroni_quorum_standby Value is 1 if this node is a quorum standby replica, 0 otherwise.
            # TYPE patroni_quorum_standby gauge
            patroni_quorum_standby{scope="batman",name="patroni1"} 0
            # HELP patroni_xlog_received_location Current location of the received Postgres transaction log, 0 if this node is not a replica.
            # TYPE patroni_xlog_received_location counter
            patroni_xlog_received_location{scope="batman",name="patroni1"} 0
            # HELP patroni_xlog_replayed_location Current location of the replayed Postgres transaction log, 0 if this node is not a replica.
            # TYPE patroni_xlog_replayed_location counter
            patroni_xlog_replayed_location{scope="batman",name="patroni1"} 0
            # HELP patroni_xlog_replayed_timestamp Current timestamp of the replayed Postgres transaction log, 0 if null.
            # TYPE patroni_xlog_replayed_timestamp gauge
            patroni_xlog_replayed_timestamp{scope="batman",name="patroni1"} 0
            # HELP patroni_xlog_paused Value is 1 if the Postgres xlog is paused, 0 otherwise.
            # TYPE patroni_xlog_paused gauge
            patroni_xlog_paused{scope="batman",name="patroni1"} 0
            # HELP patroni_postgres_streaming Value is 1 if Postgres is streaming, 0 otherwise.
            # TYPE patroni_postgres_streaming gauge
            patroni_postgres_streaming{scope="batman",name="patroni1"} 0
            # HELP patroni_postgres_in_archive_recovery Value is 1 if Postgres is replicating from archive, 0 otherwise.
            # TYPE patroni_postgres_in_archive_recovery gauge
            patroni_postgres_in_archive_recovery{scope="batman",name="patroni1"} 0
            # HELP patroni_postgres_server_version Version of Postgres (if running), 0 otherwise.
            # TYPE patroni_postgres_server_version gauge
            patroni_postgres_server_version{scope="batman",name="patroni1"} 160004
            # HELP patroni_cluster_unlocked Value is 1 if the cluster is unlocked, 0 if locked.
            # TYPE patroni_cluster_unlocked gauge
            patroni_cluster_unlocked{scope="batman",name="patroni1"} 0
            # HELP patroni_failsafe_mode_is_active Value is 1 if failsafe mode is active, 0 otherwise.
            # TYPE patroni_failsafe_mode_is_active gauge
            patroni_failsafe_mode_is_active{scope="batman",name="patroni1"} 0
            # HELP patroni_failsafe_mode_enabled Value is 1 if failsafe_mode is enabled, 0 otherwise.
            # TYPE patroni_failsafe_mode_enabled gauge
            patroni_failsafe_mode_enabled{scope="batman",name="patroni1"} 0
            # HELP patroni_failsafe_member Value is 1 if this node is a member of failsafe, 0 otherwise.
            # TYPE patroni_failsafe_member gauge
            patroni_failsafe_member{scope="batman",name="patroni1"} 0
            # HELP patroni_postgres_timeline Postgres timeline of this node (if running), 0 otherwise.
            # TYPE patroni_postgres_timeline gauge
            patroni_postgres_timeline{scope="batman",name="patroni1"} 24
            # HELP patroni_dcs_last_seen Epoch timestamp when DCS was last contacted successfully by Patroni.
            # TYPE patroni_dcs_last_seen gauge
            patroni_dcs_last_seen{scope="batman",name="patroni1"} 1724874235
            # HELP patroni_pending_restart Value is 1 if the node needs a restart, 0 otherwise.
            # TYPE patroni_pending_restart gauge
            patroni_pending_restart{scope="batman",name="patroni1"} 1
            # HELP patroni_is_paused Value is 1 if auto failover is disabled, 0 otherwise.
            # TYPE patroni_is_paused gauge
            patroni_is_paused{scope="batman",name="patroni1"} 1
            # HELP patroni_postgres_state Numeric representation of Postgres state.
            # Values: 0=initdb, 1=initdb_failed, 2=custom_bootstrap, 3=custom_bootstrap_failed, 4=creating_replica, 5=running, 6=starting, 7=bootstrap_starting, 8=start_failed, 9=restarting, 10=restart_failed, 11=stopping, 12=stopped, 13=stop_failed, 14=crashed
            # TYPE patroni_postgres_state gauge
            patroni_postgres_state{scope="batman",name="patroni1"} 5
            # HELP patroni_failover_priority Failover priority of this node.
            # TYPE patroni_failover_priority gauge
            patroni_failover_priority{scope="batman",name="patroni1"} 1
            """;

    private static PgState primary() {
        return new PgState(
                true,
                true,
                false,
                24,
                new Lsn(22320573386952L),
                null,
                null,
                null,
                null,
                0,
                160004,
                "7",
                null,
                false,
                STARTED,
                "",
                true,
                List.of());
    }

    private static PgState replica(String receiverStatus, boolean paused) {
        return new PgState(
                true,
                true,
                true,
                3,
                null,
                Lsn.parse("0/5000060"),
                Lsn.parse("0/5000000"),
                receiverStatus,
                "127.0.0.1",
                5432,
                150004,
                "7",
                Instant.ofEpochSecond(1724874000, 500000000),
                paused,
                STARTED,
                null,
                false,
                List.of());
    }

    private static AgentView view(
            String name, PgState pg, Optional<String> leader, boolean fenced, Set<String> sync, boolean paused) {
        return new AgentView(
                "batman",
                name,
                pg,
                leader,
                leader.filter(name::equals).isPresent(),
                fenced,
                Optional.of(new Lsn(22320573386952L)),
                1 << 20,
                sync,
                Map.of("nofailover", false, "failover_priority", 1, "noloadbalance", false),
                1724874235,
                true,
                "4.0.0",
                paused,
                Optional.empty(),
                Optional.empty());
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    /** The sample line of {@code metric} (its HELP and TYPE lines are checked by the documented example). */
    private static String sample(String text, String metric) {
        return lines(text).stream()
                .filter(l -> l.startsWith(metric + "{"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(metric + " missing from\n" + text));
    }

    private static String value(String text, String metric) {
        String line = sample(text, metric);
        return line.substring(line.lastIndexOf(' ') + 1);
    }

    /** Each line of {@code expected} is a metric and the value its sample must show. */
    private static void expectValues(String text, String expected) {
        for (String line : expected.strip().split("\n")) {
            String[] metricAndValue = line.strip().split(" ");
            assertThat(value(text, metricAndValue[0])).as(metricAndValue[0]).isEqualTo(metricAndValue[1]);
        }
    }

    @Test
    void aPrimaryReadsLineByLineAsPatroniDocumentsIt() {
        String text =
                PatroniMetrics.render(view("patroni1", primary(), Optional.of("patroni1"), false, Set.of(), true));

        assertThat(lines(text)).containsExactlyElementsOf(lines(DOCUMENTED_PRIMARY));
    }

    @Test
    void aStreamingSyncReplicaShowsItsReceivedAndReplayedPositions() {
        String text = PatroniMetrics.render(
                view("pg-1", replica("streaming", false), Optional.of("pg-0"), false, Set.of("pg-1"), false));

        assertThat(sample(text, "patroni_primary")).isEqualTo("patroni_primary{scope=\"batman\",name=\"pg-1\"} 0");
        // received 0/5000060 and replayed 0/5000000, in bytes
        expectValues(
                text,
                """
                        patroni_replica 1
                        patroni_sync_standby 1
                        patroni_xlog_location 0
                        patroni_xlog_received_location 83886176
                        patroni_xlog_replayed_location 83886080
                        patroni_xlog_replayed_timestamp 1724874000.5
                        patroni_xlog_paused 0
                        patroni_postgres_streaming 1
                        patroni_postgres_timeline 3
                        patroni_postgres_server_version 150004
                        patroni_cluster_unlocked 0
                        patroni_pending_restart 0
                        patroni_is_paused 0
                        """);
    }

    @Test
    void aReplicaWithReplayPausedAndNoWalReceiverIsNeitherStreamingNorSync() {
        String text = PatroniMetrics.render(
                view("pg-2", replica(null, true), Optional.of("pg-0"), false, Set.of("pg-1"), false));

        expectValues(
                text,
                """
                        patroni_replica 1
                        patroni_sync_standby 0
                        patroni_xlog_paused 1
                        patroni_postgres_streaming 0
                        patroni_postgres_in_archive_recovery 0
                        """);
    }

    @Test
    void aFencedPrimaryIsNoLongerThePrimaryButKeepsItsWalPosition() {
        String text = PatroniMetrics.render(view("patroni1", primary(), Optional.empty(), true, Set.of(), false));

        assertThat(value(text, "patroni_primary")).isEqualTo("0");
        assertThat(value(text, "patroni_replica"))
                .as("/patroni says replica too")
                .isEqualTo("1");
        assertThat(value(text, "patroni_xlog_location")).isEqualTo("22320573386952");
        assertThat(value(text, "patroni_cluster_unlocked")).isEqualTo("1");
    }

    @Test
    void aStoppedMemberReportsZerosAndLeavesOutTheStreamingMetricsAsPatroniDoes() {
        String text =
                PatroniMetrics.render(view("pg-2", PgState.stopped(), Optional.of("pg-0"), false, Set.of(), false));

        for (String zero : List.of(
                "patroni_postgres_running",
                "patroni_postmaster_start_time",
                "patroni_primary",
                "patroni_replica",
                "patroni_xlog_location",
                "patroni_xlog_received_location",
                "patroni_postgres_server_version",
                "patroni_postgres_timeline")) {
            assertThat(value(text, zero)).as(zero).isEqualTo("0");
        }
        assertThat(value(text, "patroni_postgres_state")).isEqualTo("12");
        assertThat(text)
                .doesNotContain("patroni_postgres_streaming")
                .doesNotContain("patroni_postgres_in_archive_recovery");
        assertThat(value(
                        PatroniMetrics.render(
                                view("pg-2", PgState.starting(), Optional.of("pg-0"), false, Set.of(), false)),
                        "patroni_postgres_state"))
                .as("running but not accepting connections yet")
                .isEqualTo("6");
    }

    private static AgentView tagged(Map<String, Object> tags) {
        return new AgentView(
                "batman",
                "pg-1",
                replica("streaming", false),
                Optional.of("pg-0"),
                false,
                false,
                Optional.empty(),
                0,
                Set.of(),
                tags,
                0,
                true,
                "0.1.0",
                false,
                Optional.empty(),
                Optional.empty());
    }

    @Test
    void failoverPriorityIsZeroWhenTaggedNofailover() {
        String nofailover = PatroniMetrics.render(tagged(Map.of("nofailover", true, "failover_priority", 5)));
        String preferred = PatroniMetrics.render(tagged(Map.of("nofailover", false, "failover_priority", 5)));

        assertThat(value(nofailover, "patroni_failover_priority")).isEqualTo("0");
        assertThat(value(preferred, "patroni_failover_priority")).isEqualTo("5");
        assertThat(value(PatroniMetrics.render(tagged(Map.of())), "patroni_failover_priority"))
                .isEqualTo("1");
        assertThat(value(preferred, "patroni_version")).isEqualTo("000100");
    }

    @Test
    void versionIsPaddedSemverWithoutPeriodsAndLabelValuesAreEscaped() {
        assertThat(PatroniMetrics.semver("4.0.0")).isEqualTo("040000");
        assertThat(PatroniMetrics.semver("3.0.2")).isEqualTo("030002");
        assertThat(PatroniMetrics.semver("0.1.0-SNAPSHOT")).isEqualTo("000100");
        assertThat(PatroniMetrics.semver("12.3.10")).isEqualTo("120310");
        assertThat(PatroniMetrics.labels("a\"b", "c\\d\ne")).isEqualTo("{scope=\"a\\\"b\",name=\"c\\\\d\\ne\"}");
    }
}
