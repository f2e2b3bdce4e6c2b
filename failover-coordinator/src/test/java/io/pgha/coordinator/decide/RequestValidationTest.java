package io.pgha.coordinator.decide;

import static io.pgha.coordinator.decide.Snapshots.healthy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.Lsn;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestValidationTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final FailoverPolicy POLICY =
            FailoverPolicy.automatic(1024 * 1024, Lsn.parse("0/5000000"), false, Set.of());

    private final ClusterView healthyCluster = view(
            "pg-0",
            false,
            List.of(
                    healthy("pg-0", "0/5000000"),
                    healthy("pg-1", "0/5000000"),
                    Snapshots.nofailover(healthy("pg-2", "0/5000000"))));

    @Test
    void switchoverToANamedHealthyCandidateIsImmediate() {
        assertThat(RequestValidation.switchover("pg-0", "pg-1", null, healthyCluster, NOW))
                .isEqualTo(new Verdict.Immediate("pg-0", "pg-1"));
        assertThat(RequestValidation.switchover("pg-0", null, null, healthyCluster, NOW))
                .isEqualTo(new Verdict.Immediate("pg-0", null));
    }

    @Test
    void switchoverInTheFutureIsScheduled() {
        assertThat(RequestValidation.switchover("pg-0", "pg-1", "2026-11-24T12:00+00", healthyCluster, NOW))
                .isEqualTo(new Verdict.Scheduled(Instant.parse("2026-11-24T12:00:00Z"), "pg-0", "pg-1"));
        assertThat(RequestValidation.switchover("pg-0", null, "2026-11-24T13:00:00+01:00", healthyCluster, NOW))
                .isEqualTo(new Verdict.Scheduled(Instant.parse("2026-11-24T12:00:00Z"), "pg-0", null));
    }

    @Test
    void malformedSwitchoversAre400() {
        assertRejected(
                RequestValidation.switchover(null, "pg-1", null, healthyCluster, NOW),
                400,
                "only from a specific leader");
        assertRejected(
                RequestValidation.switchover("pg-0", "pg-0", null, healthyCluster, NOW),
                400,
                "target and source are the same");
        assertRejected(
                RequestValidation.switchover("pg-0", "pg-1", "2026-11-24T12:00", healthyCluster, NOW),
                400,
                "Timezone information is mandatory");
        assertRejected(
                RequestValidation.switchover("pg-0", "pg-1", "tomorrow", healthyCluster, NOW),
                400,
                "Unable to parse scheduled timestamp 'tomorrow'");
    }

    @Test
    void scheduleInThePastIs422() {
        assertRejected(
                RequestValidation.switchover("pg-0", "pg-1", "2026-11-24T09:00Z", healthyCluster, NOW),
                422,
                "Cannot schedule switchover in the past");
    }

    @Test
    void impossibleSwitchoversAre412WithTheReason() {
        assertRejected(
                RequestValidation.switchover("pg-1", "pg-2", null, healthyCluster, NOW),
                412,
                "leader name does not match: the leader of demo is pg-0, not pg-1");
        assertRejected(
                RequestValidation.switchover("pg-0", "pg-9", null, healthyCluster, NOW),
                412,
                "candidate pg-9 is not a member of demo (members: pg-0, pg-1, pg-2)");
        assertRejected(
                RequestValidation.switchover("pg-0", "pg-2", null, healthyCluster, NOW),
                412,
                "candidate pg-2 cannot become primary: it is tagged nofailover");
        ClusterView leaderless = view(null, false, healthyCluster.members());
        assertRejected(
                RequestValidation.switchover("pg-0", "pg-1", null, leaderless, NOW), 412, "has none: use a failover");
        ClusterView onlyBadReplicas = view(
                "pg-0",
                false,
                List.of(healthy("pg-0", "0/5000000"), Snapshots.nofailover(healthy("pg-2", "0/5000000"))));
        assertRejected(
                RequestValidation.switchover("pg-0", null, null, onlyBadReplicas, NOW),
                412,
                "no member can become primary: pg-2: it is tagged nofailover");
    }

    @Test
    void pausedClusterNeedsANamedCandidateAndCannotSchedule() {
        ClusterView paused = view("pg-0", true, healthyCluster.members());
        assertRejected(
                RequestValidation.switchover("pg-0", null, null, paused, NOW),
                400,
                "only to a specific candidate in a paused state");
        assertRejected(
                RequestValidation.switchover("pg-0", "pg-1", "2026-11-24T12:00Z", paused, NOW),
                400,
                "Can't schedule switchover in the paused state");
        assertThat(RequestValidation.switchover("pg-0", "pg-1", null, paused, NOW))
                .isEqualTo(new Verdict.Immediate("pg-0", "pg-1"));
    }

    @Test
    void manualFailoverNeedsAnEligibleNamedCandidate() {
        assertRejected(RequestValidation.failover(null, false, healthyCluster), 400, "only to a specific candidate");
        assertRejected(
                RequestValidation.failover("pg-2", false, healthyCluster),
                412,
                "candidate pg-2 cannot become primary: it is tagged nofailover");
        assertRejected(RequestValidation.failover("pg-0", false, healthyCluster), 412, "already the leader");
        assertThat(RequestValidation.failover("pg-1", false, view(null, true, healthyCluster.members())))
                .isEqualTo(new Verdict.Immediate(null, "pg-1"));
    }

    @Test
    void manualFailoverOverridesTheLagRuleOnlyWithTheFlag() {
        ClusterView lagging = view(null, false, List.of(healthy("pg-1", "0/1000000")));
        assertRejected(RequestValidation.failover("pg-1", false, lagging), 412, "maximum_lag_on_failover");
        assertThat(RequestValidation.failover("pg-1", true, lagging)).isEqualTo(new Verdict.Immediate(null, "pg-1"));
    }

    @Test
    void aCandidateThatIsRestartingOrReconnectingIsRefusedAsSettlingOthersAreNot() {
        ClusterView reconnecting = view(
                "pg-0",
                false,
                List.of(
                        healthy("pg-0", "0/5000000"),
                        Snapshots.notStreaming(healthy("pg-1", "0/5000000")),
                        Snapshots.state(healthy("pg-2", "0/5000000"), "starting"),
                        Snapshots.nofailover(healthy("pg-3", "0/5000000"))));
        Verdict.Rejected notStreaming =
                (Verdict.Rejected) RequestValidation.switchover("pg-0", "pg-1", null, reconnecting, NOW);
        assertThat(notStreaming.message()).contains("pg-1 cannot become primary", "not streaming");
        assertThat(notStreaming.settling()).isTrue();
        Verdict.Rejected starting = (Verdict.Rejected) RequestValidation.failover("pg-2", false, reconnecting);
        assertThat(starting.message()).contains("PostgreSQL is not running");
        assertThat(starting.settling()).isTrue();
        Verdict.Rejected monitorSawItStopping = (Verdict.Rejected) RequestValidation.switchover(
                "pg-0",
                "pg-1",
                null,
                view(
                        "pg-0",
                        false,
                        List.of(
                                healthy("pg-0", "0/5000000"),
                                Snapshots.monitor(
                                        healthy("pg-1", "0/5000000"),
                                        java.util.Optional.of(false),
                                        "FATAL: the database system is shutting down (57P03)"))),
                NOW);
        assertThat(monitorSawItStopping.message()).contains("the health monitor cannot reach it");
        assertThat(monitorSawItStopping.settling())
                .as("right after a switchover the monitor's last probe of the former primary saw it shutting down")
                .isTrue();
        Verdict.Rejected tagged =
                (Verdict.Rejected) RequestValidation.switchover("pg-0", "pg-3", null, reconnecting, NOW);
        assertThat(tagged.settling())
                .as("a nofailover tag does not pass by itself")
                .isFalse();
        Verdict.Rejected anyone =
                (Verdict.Rejected) RequestValidation.switchover("pg-0", null, null, reconnecting, NOW);
        assertThat(anyone.message()).contains("no member can become primary");
        assertThat(anyone.settling())
                .as("pg-1 or pg-2 may be eligible in a moment")
                .isTrue();
        Verdict.Rejected onlyTagged = (Verdict.Rejected) RequestValidation.switchover(
                "pg-0",
                null,
                null,
                view(
                        "pg-0",
                        false,
                        List.of(healthy("pg-0", "0/5000000"), Snapshots.nofailover(healthy("pg-3", "0/5000000")))),
                NOW);
        assertThat(onlyTagged.settling()).isFalse();
        assertThat(((Verdict.Rejected) RequestValidation.failover("pg-0", false, reconnecting)).settling())
                .as("already the leader")
                .isFalse();
    }

    @Test
    void scheduleParserAcceptsPatroniStyleOffsets() {
        assertThat(RequestValidation.parseSchedule("2026-11-24T12:00+00"))
                .isEqualTo(Instant.parse("2026-11-24T12:00:00Z"));
        assertThat(RequestValidation.parseSchedule("2026-11-24T12:00:30.5Z"))
                .isEqualTo(Instant.parse("2026-11-24T12:00:30.5Z"));
        assertThat(RequestValidation.parseSchedule("2026-11-24T14:00+0200"))
                .isEqualTo(Instant.parse("2026-11-24T12:00:00Z"));
        assertThatThrownBy(() -> RequestValidation.parseSchedule("2026-11-24 12:00"))
                .hasMessageContaining("use ISO 8601 with a time zone");
    }

    private static ClusterView view(String leader, boolean paused, List<MemberSnapshot> members) {
        return new ClusterView("demo", leader, paused, members, POLICY);
    }

    private static void assertRejected(Verdict verdict, int status, String message) {
        assertThat(verdict).isInstanceOf(Verdict.Rejected.class);
        Verdict.Rejected rejected = (Verdict.Rejected) verdict;
        assertThat(rejected.status()).as(rejected.message()).isEqualTo(status);
        assertThat(rejected.message()).contains(message);
    }
}
