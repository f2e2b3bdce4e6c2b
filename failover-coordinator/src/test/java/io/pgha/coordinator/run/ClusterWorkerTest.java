package io.pgha.coordinator.run;

import static io.pgha.coordinator.run.WorkerHarness.CLUSTER;
import static io.pgha.coordinator.run.WorkerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.Switchover;
import io.pgha.core.SyncSet;
import io.pgha.core.store.RouterReport;
import io.pgha.events.ElectionEvent;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The executor paths of one cluster's loop, over in-memory etcd, agents and Kafka. */
class ClusterWorkerTest {
    private final WorkerHarness h = new WorkerHarness();

    @Test
    void aCoordinatorStoppedDuringAFailoverLeavesTheLeaderKeyItWroteAndTriesNoOtherCandidate() throws Exception {
        h.settings = h.settings.promoteTimeout(Duration.ofHours(1));
        h.replica("pg-1", "0/5000000");
        h.replica("pg-2", "0/4000000");
        h.store.put(CLUSTER, "status", "{\"optime\":" + 0x5000000 + "}", 0);
        ClusterWorker worker = h.worker();
        worker.start();
        await("the leader key is written", 10, () -> h.store
                .value(CLUSTER, "leader")
                .isPresent());

        worker.stop();

        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-1");
        assertThat(h.store.writes())
                .noneMatch(w -> w.equals("delete /pgha/c/leader"))
                .noneMatch(w -> w.equals("put /pgha/c/leader pg-2"));
        assertThat(h.store.value(CLUSTER, "coordinator")).isEmpty(); // handed over
    }

    @Test
    void aSecondManualFailoverIsRefusedWhileTheFirstIsInFlight() throws Exception {
        h.replica("pg-1", "0/5000000");
        h.replica("pg-2", "0/5000000");
        h.store.watch(
                (cluster, key) -> {
                    if (key.equals("leader")) {
                        h.store.value(CLUSTER, "leader").ifPresent(m -> h.runsAs(m, "primary", "0/5000100"));
                    }
                },
                () -> {});
        ClusterWorker worker = h.worker();
        CompletableFuture<String> first = worker.manualFailover("pg-2", false);

        assertThatThrownBy(() -> worker.manualFailover("pg-1", false))
                .isInstanceOf(ManualFailoverInFlight.class)
                .hasMessageContaining("pg-2");
        assertThat(first).isNotDone();

        worker.step();
        assertThat(first.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-2");
        CompletableFuture<String> next = worker.manualFailover("pg-1", false);
        worker.step();
        assertThat(next.get(5, TimeUnit.SECONDS)).contains("the cluster has a leader now");
    }

    @Test
    void aTopologyTheBrokerDidNotAcknowledgeIsSentAgain() {
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        AtomicInteger attempts = new AtomicInteger();
        h.events.fails = e -> e instanceof TopologyChanged && attempts.incrementAndGet() == 1;
        ClusterWorker worker = h.worker();

        worker.step();
        worker.step();

        assertThat(h.events.offered(TopologyChanged.class)).hasSize(2);
        assertThat(h.events.acknowledged(TopologyChanged.class)).hasSize(1);
    }

    @Test
    void theCurrentTopologyIsPublishedAgainPeriodically() {
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        ClusterWorker worker = h.worker();

        worker.step();
        h.nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        worker.step();
        assertThat(h.events.acknowledged(TopologyChanged.class)).hasSize(1);

        h.nanos.addAndGet(Duration.ofSeconds(21).toNanos());
        worker.step();
        assertThat(h.events.acknowledged(TopologyChanged.class)).hasSize(2);
    }

    @Test
    void aSwitchoverTheLeaderDoesNotCarryOutInTimeIsAbandoned() {
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        h.store.put(CLUSTER, "switchover", "{\"leader\":\"pg-0\",\"member\":\"pg-1\"}", 0);
        ClusterWorker worker = h.worker();

        worker.step();
        assertThat(h.events.acknowledged(ElectionEvent.SwitchoverStarted.class)).hasSize(1);
        h.nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        worker.step();
        assertThat(h.store.value(CLUSTER, "switchover")).isPresent();

        h.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        worker.step();
        assertThat(h.events.acknowledged(ElectionEvent.SwitchoverFailed.class))
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("did not hand over within 60 s"));
        assertThat(h.store.value(CLUSTER, "switchover")).isEmpty();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-0");
    }

    @Test
    void aDueScheduledSwitchoverPausesThePoolersBeforeTheLeaderIsToldToHandOver() {
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        long epoch = h.store.read(CLUSTER).leader().orElseThrow().modRevision();
        h.store.put(
                CLUSTER, "routers/r1", new RouterReport(epoch, "pg-0", "2026-12-02T00:00:00Z", true, null).toJson(), 0);
        String scheduled = "{\"leader\":\"pg-0\",\"member\":\"pg-1\",\"scheduled_at\":\"2020-01-01T00:00:00Z\"}";
        h.store.put(CLUSTER, "switchover", scheduled, 0);
        ClusterWorker worker = h.worker();

        worker.step();
        assertThat(h.events.acknowledged(ElectionEvent.SwitchoverStarted.class))
                .singleElement()
                .satisfies(e -> assertThat(e.epoch()).isEqualTo(epoch));
        assertThat(h.store.value(CLUSTER, "switchover"))
                .as("the leader is not told before the pooler paused")
                .contains(scheduled);
        worker.step();
        assertThat(h.store.value(CLUSTER, "switchover")).contains(scheduled);

        h.store.put(
                CLUSTER,
                "routers/r1",
                new RouterReport(epoch, "pg-0", "2026-12-02T00:00:00Z", true, epoch).toJson(),
                0);
        worker.step();
        assertThat(h.store.value(CLUSTER, "switchover"))
                .as("rewritten without its time: the leader hands over")
                .hasValueSatisfying(v -> assertThat(v).contains("pg-1").doesNotContain("scheduled_at"));
    }

    @Test
    void aDueScheduledSwitchoverProceedsAfterThePoolPauseTimeoutWithoutThePooler() {
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        h.store.put(CLUSTER, "routers/r1", new RouterReport(1, "pg-0", "2026-12-02T00:00:00Z", true, null).toJson(), 0);
        h.store.put(
                CLUSTER,
                "switchover",
                "{\"leader\":\"pg-0\",\"member\":\"pg-1\",\"scheduled_at\":\"2020-01-01T00:00:00Z\"}",
                0);
        ClusterWorker worker = h.worker();

        worker.step();
        h.nanos.addAndGet(Duration.ofSeconds(4).toNanos());
        worker.step();
        assertThat(h.store.value(CLUSTER, "switchover"))
                .hasValueSatisfying(v -> assertThat(v).contains("scheduled_at"));
        h.nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // pgha.coordinator.pool-pause-timeout 5 s
        worker.step();
        assertThat(h.store.value(CLUSTER, "switchover"))
                .as("rewritten without its time: the leader hands over")
                .hasValueSatisfying(v -> assertThat(v).contains("pg-1").doesNotContain("scheduled_at"));
    }

    /** {@code member}'s agent: runs as primary once the leader key names it. */
    private void promotesOnItsLeaderKey(String member) {
        h.store.watch(
                (cluster, key) -> {
                    if (key.equals("leader")) {
                        h.store
                                .value(CLUSTER, "leader")
                                .filter(member::equals)
                                .ifPresent(m -> h.runsAs(m, "primary", "0/5000100"));
                    }
                },
                () -> {});
    }

    @Test
    void aSwitchoverIsCarriedOutOnceTheLeaderReleasedTheKey() {
        long oldLease = h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        h.store.put(CLUSTER, "switchover", "{\"leader\":\"pg-0\",\"member\":\"pg-1\"}", 0);
        promotesOnItsLeaderKey("pg-1");
        ClusterWorker worker = h.worker();
        worker.step();

        h.store.expire(oldLease); // the old leader stopped and released its key
        worker.step();

        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-1");
        assertThat(h.store.value(CLUSTER, "switchover")).isEmpty();
        assertThat(h.events.acknowledged(ElectionEvent.SwitchoverCompleted.class))
                .singleElement()
                .satisfies(c -> assertThat(c.candidate()).isEqualTo("pg-1"));
        // the routers move writes on the topology: it goes out as soon as pg-1 runs as primary, before
        // the outcome is recorded (history, status, events), not on the next run
        List<io.pgha.events.PghaEvent> offered = List.copyOf(h.events.offered);
        int topology = -1;
        for (int i = 0; i < offered.size() && topology < 0; i++) {
            if (offered.get(i) instanceof io.pgha.events.TopologyEvent.TopologyChanged t && "pg-1".equals(t.leader())) {
                topology = i;
            }
        }
        int completed = offered.indexOf(
                h.events.offered(ElectionEvent.SwitchoverCompleted.class).get(0));
        assertThat(topology).as("a topology naming pg-1 was published").isNotNegative();
        assertThat(topology).as("before the completion").isLessThan(completed);
    }

    @Test
    void aStandbyBecomesPromotableOnlyOnceThePrimaryWaitedForItLongEnoughAndItCaughtUp() {
        h.store.put(CLUSTER, "config", "{\"synchronous_mode\":true}", 0);
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        ClusterWorker worker = h.worker();

        worker.step(); // the primary should wait for pg-1 first
        assertThat(sync()).isEqualTo(new SyncSet("pg-0", "", "pg-1"));

        h.primaryApplied("pg-0", "FIRST 1 (\"pg-1\")", "0/5000100");
        worker.step(); // applied: the position of this report does not count
        h.nanos.addAndGet(Duration.ofMillis(999).toNanos());
        h.primaryApplied("pg-0", "FIRST 1 (\"pg-1\")", "0/5000200");
        worker.step(); // a later report, but before sync-settle
        assertThat(sync().members()).isEmpty();

        h.nanos.addAndGet(Duration.ofMillis(1).toNanos());
        h.primaryApplied("pg-0", "FIRST 1 (\"pg-1\")", "0/5000300");
        worker.step(); // settled at 0/5000300; pg-1 has flushed only 0/5000000
        assertThat(sync().members()).isEmpty();

        h.runsAs("pg-1", "replica", "0/5000200"); // past the earlier reports, not the settled one
        worker.step();
        assertThat(sync().members()).isEmpty();

        h.runsAs("pg-1", "replica", "0/5000300");
        worker.step();
        assertThat(sync()).isEqualTo(new SyncSet("pg-0", "pg-1", null));
    }

    private SyncSet sync() {
        return SyncSet.fromJson(h.store.value(CLUSTER, "sync").orElseThrow());
    }

    @Test
    void aLeaderKeyLeftByAStoppedCoordinatorIsTakenBackWhenItsMemberNeverPromotes() {
        long lease = h.replica("pg-1", "0/5000000");
        h.replica("pg-2", "0/5000000");
        h.store.put(CLUSTER, "leader", "pg-1", lease); // written by a replica that stopped meanwhile
        ClusterWorker worker = h.worker();

        worker.step();
        h.nanos.addAndGet(Duration.ofSeconds(14).toNanos());
        worker.step();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-1");

        h.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        worker.step();
        assertThat(h.store.value(CLUSTER, "leader")).isEmpty();
        assertThat(h.events.acknowledged(ElectionEvent.FailoverFailed.class))
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("kept running as a replica"));
    }

    // --- fast failover (synchronous mode, fast_failover on) ---

    /** pg-0 primary, pg-1 in P, pg-2 a replica; seen alive once (so both replicas followed pg-0). */
    private ClusterWorker fastFailoverCluster() {
        h.store.put(CLUSTER, "config", "{\"synchronous_mode\":true,\"fast_failover\":true}", 0);
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        h.replica("pg-2", "0/5000000");
        h.store.put(CLUSTER, "sync", new SyncSet("pg-0", "pg-1", null).toJson(), 0);
        h.primaryApplied("pg-0", "FIRST 1 (\"pg-1\")", "0/5000000");
        ClusterWorker worker = h.worker();
        worker.step();
        assertThat(sync()).isEqualTo(new SyncSet("pg-0", "pg-1", null));
        return worker;
    }

    /** pg-0's agent is gone (connection refused) and the monitor's probe of its PostgreSQL fails. */
    private void nodeLost() {
        h.agents.reports.remove(WorkerHarness.apiUrl("pg-0"));
        h.health.record(HealthViewTest.seen(CLUSTER, "pg-0", h.clock.instant(), false));
    }

    /** The agents act as they would: the named ones report detached on /detach; the new leader promotes. */
    private void agentsObey(java.util.Set<String> detaching) {
        h.store.watch(
                (cluster, key) -> {
                    if (key.equals("detach")) {
                        h.store
                                .value(CLUSTER, "detach")
                                .map(io.pgha.core.Detach::fromJson)
                                .ifPresent(d -> {
                                    for (String m : detaching) {
                                        long lease = h.store
                                                .read(CLUSTER)
                                                .member(m)
                                                .orElseThrow()
                                                .lease();
                                        h.store.putMember(
                                                CLUSTER,
                                                WorkerHarness.status(m, "replica", "0/5000000")
                                                        .withDetached(new io.pgha.core.MemberStatus.Detached(
                                                                d.epoch(), io.pgha.events.Lsn.parse("0/5000000"))),
                                                m,
                                                lease);
                                    }
                                });
                    }
                    if (key.equals("leader")) {
                        h.store
                                .value(CLUSTER, "leader")
                                .filter(m -> !m.equals("pg-0"))
                                .ifPresent(m -> h.runsAs(m, "primary", "0/5000100"));
                    }
                },
                () -> {});
    }

    @Test
    void nodeLossDetachesTheSynchronousStandbyRevokesTheOldLeaseAndPromotesItBeforeTheLeaseExpires() {
        ClusterWorker worker = fastFailoverCluster();
        agentsObey(java.util.Set.of("pg-1", "pg-2"));
        nodeLost();

        worker.step(); // both observers agree: suspect-after starts
        assertThat(h.store.value(CLUSTER, "detach")).isEmpty();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-0");

        h.nanos.addAndGet(Duration.ofMillis(500).toNanos());
        worker.step();

        assertFastFailoverTo("pg-1", "pg-2 detached too, but only P may win");
        assertThat(h.events.acknowledged(ElectionEvent.FailoverStarted.class))
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("fast failover"));
    }

    /**
     * An isolated node refuses nothing: the agent's answer times out (agent-timeout, 2 s). The agent was
     * silent for that whole time, so suspect-after (500 ms) is already over when the timeout ends and
     * the fast failover starts in the same run instead of asking the agent again (the chaos runs' isolate
     * faults paid two timeouts).
     */
    @Test
    void anAgentAnswerThatTimedOutCountsTowardsSuspectAfter() {
        ClusterWorker worker = fastFailoverCluster();
        agentsObey(java.util.Set.of("pg-1", "pg-2"));
        nodeLost();
        h.agents.onFetch = () -> h.nanos.addAndGet(Duration.ofSeconds(2).toNanos());

        worker.step();

        assertFastFailoverTo("pg-1", "pg-2 detached too, but only P may win");
    }

    @Test
    void theWinnersSynchronousSetIsWrittenTogetherWithItsLeaderKey() {
        ClusterWorker worker = fastFailoverCluster();
        agentsObey(java.util.Set.of("pg-1", "pg-2"));
        nodeLost();
        worker.step();
        h.nanos.addAndGet(Duration.ofMillis(500).toNanos());
        worker.step();

        List<String> writes = h.store.writes();
        int leader = writes.indexOf("put " + h.store.layout(CLUSTER).leader() + " pg-1");
        assertThat(leader).as("the leader key for pg-1 in " + writes).isPositive();
        assertThat(writes.get(leader - 1))
                .as("the write just before it, in the same transaction")
                .startsWith("put " + h.store.layout(CLUSTER).sync() + " {\"leader\":\"pg-1\"");
    }

    @Test
    void aLeaderWhoseMonitorProbeStillSucceedsOrWhoseAgentAnswersKeepsTheLeasePath() {
        ClusterWorker worker = fastFailoverCluster();
        agentsObey(java.util.Set.of("pg-1"));
        // cut from etcd only, or a frozen agent beside a live postmaster: the monitor reaches PostgreSQL
        h.agents.reports.remove(WorkerHarness.apiUrl("pg-0"));
        h.health.record(HealthViewTest.seen(CLUSTER, "pg-0", h.clock.instant(), true));
        for (int i = 0; i < 4; i++) {
            worker.step();
            h.nanos.addAndGet(Duration.ofMillis(500).toNanos());
        }
        assertThat(h.store.value(CLUSTER, "detach")).isEmpty();
        // its PostgreSQL crashed but the agent answers: the agent restarts or releases it itself
        h.agents.reports.put(WorkerHarness.apiUrl("pg-0"), WorkerHarness.report("primary", "0/5000000"));
        h.health.record(HealthViewTest.seen(CLUSTER, "pg-0", h.clock.instant().plusMillis(1), false));
        for (int i = 0; i < 4; i++) {
            worker.step();
            h.nanos.addAndGet(Duration.ofMillis(500).toNanos());
        }
        assertThat(h.store.value(CLUSTER, "detach")).isEmpty();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-0");
    }

    @Test
    void withoutADetachedMemberOfTheSynchronousSetTheFastPathIsAbandonedAndNotRetried() throws Exception {
        ClusterWorker worker = fastFailoverCluster();
        agentsObey(java.util.Set.of("pg-2")); // pg-1 (P) is dead as well; pg-2 is not in P
        nodeLost();
        worker.step();
        h.nanos.addAndGet(Duration.ofMillis(500).toNanos());
        // the worker waits for reports until its deadline: its clock moves 100 ms on every read meanwhile
        h.tickPerRead.set(Duration.ofMillis(100).toNanos());
        try {
            worker.step();
        } finally {
            h.tickPerRead.set(0);
        }
        assertThat(h.store.value(CLUSTER, "detach")).as("abandoned: deleted").isEmpty();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-0");
        h.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        worker.step();
        worker.step();
        assertThat(h.store.value(CLUSTER, "detach"))
                .as("not tried again for this epoch")
                .isEmpty();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-0");
    }

    @Test
    void aCoordinatorThatFindsADetachForTheCurrentEpochFinishesIt() {
        h.store.put(CLUSTER, "config", "{\"synchronous_mode\":true,\"fast_failover\":true}", 0);
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        h.store.put(CLUSTER, "sync", new SyncSet("pg-0", "pg-1", null).toJson(), 0);
        long epoch = h.store.read(CLUSTER).leader().orElseThrow().modRevision();
        h.store.put(CLUSTER, "detach", new io.pgha.core.Detach(epoch, "pg-0").toJson(), 0); // left by another replica
        agentsObey(java.util.Set.of());
        long lease = h.store.read(CLUSTER).member("pg-1").orElseThrow().lease();
        h.store.putMember(
                CLUSTER,
                WorkerHarness.status("pg-1", "replica", "0/5000000")
                        .withDetached(
                                new io.pgha.core.MemberStatus.Detached(epoch, io.pgha.events.Lsn.parse("0/5000000"))),
                "pg-1",
                lease);

        h.worker().step();

        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-1");
        assertThat(h.store.value(CLUSTER, "detach")).isEmpty();
    }

    // --- fast failover, asynchronous mode (routers r0 and r1 declared by the harness) ---

    /** pg-0 primary; pg-1 at 0/5000000 and pg-2 further on, both replicas; no /sync (asynchronous mode). */
    private ClusterWorker asyncFastFailoverCluster() {
        h.store.put(CLUSTER, "config", "{\"fast_failover\":true}", 0);
        h.primary("pg-0", "0/5000200");
        h.replica("pg-1", "0/5000000");
        h.replica("pg-2", "0/5000100");
        ClusterWorker worker = h.worker();
        worker.step();
        assertThat(h.store.value(CLUSTER, "sync")).isEmpty();
        return worker;
    }

    /** The named routers report pg-0 fenced for the /detach they see (its epoch and revision). */
    private void routersFence(java.util.Set<String> fencing) {
        h.store.watch(
                (cluster, key) -> {
                    if (!key.equals("detach")) {
                        return;
                    }
                    long revision = h.store.read(CLUSTER).revisionOf("detach");
                    h.store
                            .value(CLUSTER, "detach")
                            .map(io.pgha.core.Detach::fromJson)
                            .ifPresent(d -> fencing.forEach(r -> h.store.put(
                                    CLUSTER,
                                    "routers/" + r,
                                    new io.pgha.core.store.RouterReport(d.epoch(), "pg-0", "now")
                                            .withFenced(new io.pgha.core.store.RouterReport.Fenced(
                                                    d.epoch(), d.leader(), revision))
                                            .toJson(),
                                    0)));
                },
                () -> {});
    }

    private boolean detachWritten() {
        return h.store.writes().stream()
                .anyMatch(w -> w.startsWith("put " + h.store.layout(CLUSTER).detach()));
    }

    /** Every declared router has a key that routes to pg-0, none fenced. */
    private void routersRegistered(String... routers) {
        for (String r : routers) {
            h.store.put(CLUSTER, "routers/" + r, new io.pgha.core.store.RouterReport(1, "pg-0", "now").toJson(), 0);
        }
    }

    /** Runs the loop until the fast failover is decided; the clock moves 100 ms per read meanwhile. */
    private void stepThroughTheGate(ClusterWorker worker) {
        worker.step(); // both observers agree: suspect-after starts
        h.nanos.addAndGet(Duration.ofMillis(500).toNanos());
        h.tickPerRead.set(Duration.ofMillis(100).toNanos());
        try {
            worker.step();
        } finally {
            h.tickPerRead.set(0);
        }
    }

    @Test
    void asyncNodeLossOnceEveryRouterFencedPromotesTheMostAdvancedDetachedStandbyBeforeTheLeaseExpires() {
        ClusterWorker worker = asyncFastFailoverCluster();
        routersRegistered("r0", "r1");
        routersFence(java.util.Set.of("r0", "r1"));
        agentsObey(java.util.Set.of("pg-1", "pg-2"));
        h.agents.reports.put(WorkerHarness.apiUrl("pg-2"), WorkerHarness.report("replica", "0/5000100"));
        nodeLost();

        stepThroughTheGate(worker);

        assertFastFailoverTo("pg-2", "the most advanced detached standby");
        assertThat(h.store.value(CLUSTER, "sync"))
                .as("no /sync in asynchronous mode")
                .isEmpty();
    }

    /** pg-0's fast failover went through to {@code winner}: /detach gone, pg-0's lease revoked, the history row says so. */
    private void assertFastFailoverTo(String winner, String why) {
        assertThat(h.store.value(CLUSTER, "leader")).as(why).contains(winner);
        assertThat(h.store.value(CLUSTER, "detach")).isEmpty();
        assertThat(h.store.read(CLUSTER).member("pg-0"))
                .as("the old lease was revoked")
                .isEmpty();
        assertThat(h.store.value(CLUSTER, "history"))
                .hasValueSatisfying(v -> assertThat(v).contains("fast failover"));
    }

    @Test
    void asyncWithoutDeclaredRoutersNoDetachIsEverWritten() {
        h.settings = h.settings.routers(List.of());
        ClusterWorker worker = asyncFastFailoverCluster();
        routersRegistered("r0", "r1");
        routersFence(java.util.Set.of("r0", "r1"));
        agentsObey(java.util.Set.of("pg-1", "pg-2"));
        nodeLost();

        for (int i = 0; i < 4; i++) {
            worker.step();
            h.nanos.addAndGet(Duration.ofMillis(500).toNanos());
        }

        assertThat(detachWritten())
                .as("a live router's key is not enough: the lease path decides")
                .isFalse();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-0");
    }

    @Test
    void asyncARouterThatDoesNotFenceBlocksTheFastPathAndTheLeasePathDecides() {
        ClusterWorker worker = asyncFastFailoverCluster();
        routersRegistered("r0", "r1");
        routersFence(java.util.Set.of("r0")); // r1's renderer is gone while its HAProxy may still route
        agentsObey(java.util.Set.of("pg-1", "pg-2"));
        nodeLost();

        stepThroughTheGate(worker);

        assertThat(detachWritten()).as("the fast path was tried").isTrue();
        assertThat(h.store.value(CLUSTER, "detach")).as("abandoned: deleted").isEmpty();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-0");
        h.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        worker.step();
        assertThat(h.store.value(CLUSTER, "detach"))
                .as("not tried again for this epoch")
                .isEmpty();
    }

    @Test
    void asyncADeclaredRouterWithoutAnyKeyBlocksTheFastPath() {
        ClusterWorker worker = asyncFastFailoverCluster();
        routersRegistered("r0"); // r1 declared, its key expired: its HAProxy may still run
        routersFence(java.util.Set.of("r0"));
        agentsObey(java.util.Set.of("pg-1", "pg-2"));
        nodeLost();

        stepThroughTheGate(worker);

        assertThat(detachWritten()).as("the fast path was tried").isTrue();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-0");
        assertThat(h.store.value(CLUSTER, "detach")).isEmpty();
    }

    @Test
    void asyncEveryRouterFencedButNoStandbyDetachedKeepsTheLeasePath() {
        ClusterWorker worker = asyncFastFailoverCluster();
        routersRegistered("r0", "r1");
        routersFence(java.util.Set.of("r0", "r1"));
        agentsObey(java.util.Set.of()); // the standbys' positions are not final: nothing to rank
        nodeLost();

        stepThroughTheGate(worker);

        assertThat(detachWritten()).as("the fast path was tried").isTrue();
        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-0");
        assertThat(h.store.value(CLUSTER, "detach")).isEmpty();
    }

    // --- quorum commit (synchronous_mode: quorum) ---

    private static final String QUORUM = "{\"synchronous_mode\":\"quorum\",\"fast_failover\":true}";

    @Test
    void quorumModeAppliesAnyKOfTheStandbysAndStrengthensTheRecordOnlyOnceItSettled() {
        h.store.put(CLUSTER, "config", QUORUM, 0);
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        h.replica("pg-2", "0/5000000");
        ClusterWorker worker = h.worker();

        worker.step(); // a record of k_r = 0 covers anything: the target at once, the record stays weak
        SyncSet any1 = SyncSet.quorum("pg-0", java.util.Set.of(), 0, java.util.Set.of("pg-1", "pg-2"), 1);
        assertThat(sync()).isEqualTo(any1);

        h.primaryApplied("pg-0", "ANY 1 (\"pg-1\",\"pg-2\")", "0/5000100");
        worker.step(); // applied: the position of this report does not count
        h.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        h.primaryApplied("pg-0", "ANY 1 (\"pg-1\",\"pg-2\")", "0/5000300");
        worker.step(); // settled at 0/5000300; no voter flushed it yet
        assertThat(sync()).isEqualTo(any1);

        h.runsAs("pg-2", "replica", "0/5000300");
        worker.step();
        assertThat(sync())
                .isEqualTo(SyncSet.quorum(
                        "pg-0", java.util.Set.of("pg-1", "pg-2"), 1, java.util.Set.of("pg-1", "pg-2"), 1));
        assertThat(h.store.value(CLUSTER, "detach"))
                .as("fast_failover does not act in quorum mode")
                .isEmpty();
    }

    /** pg-0 primary applying ANY 1 (pg-1,pg-2), recorded with k_r = 1; seen alive once. */
    private ClusterWorker quorumCluster() {
        h.store.put(CLUSTER, "config", QUORUM, 0);
        h.primary("pg-0", "0/5000000");
        h.replica("pg-1", "0/5000000");
        h.replica("pg-2", "0/5000000");
        SyncSet record =
                SyncSet.quorum("pg-0", java.util.Set.of("pg-1", "pg-2"), 1, java.util.Set.of("pg-1", "pg-2"), 1);
        h.store.put(CLUSTER, "sync", record.toJson(), 0);
        h.primaryApplied("pg-0", record.standbyNames(), "0/5000000");
        ClusterWorker worker = h.worker();
        worker.step();
        assertThat(sync()).isEqualTo(record);
        return worker;
    }

    /** The named agents report detached at their positions on a leaderless /detach; the new leader promotes. */
    private void votersObey(java.util.Map<String, String> detaching) {
        h.store.watch(
                (cluster, key) -> {
                    if (key.equals("detach")) {
                        h.store
                                .value(CLUSTER, "detach")
                                .map(io.pgha.core.Detach::fromJson)
                                .filter(io.pgha.core.Detach::isLeaderless)
                                .ifPresent(d -> detaching.forEach((m, lsn) -> h.store.putMember(
                                        CLUSTER,
                                        WorkerHarness.status(m, "replica", lsn)
                                                .withDetached(new io.pgha.core.MemberStatus.Detached(
                                                        d.epoch(), io.pgha.events.Lsn.parse(lsn))),
                                        m,
                                        h.store
                                                .read(CLUSTER)
                                                .member(m)
                                                .orElseThrow()
                                                .lease())));
                    }
                    if (key.equals("leader")) {
                        h.store
                                .value(CLUSTER, "leader")
                                .filter(m -> !m.equals("pg-0"))
                                .ifPresent(m -> h.runsAs(m, "primary", "0/5000200"));
                    }
                },
                () -> {});
    }

    /** pg-0's node is gone: its agent does not answer and its lease (leader key, member key) expired. */
    private void quorumLeaderLost() {
        h.agents.reports.remove(WorkerHarness.apiUrl("pg-0"));
        h.store.expire(h.store.read(CLUSTER).member("pg-0").orElseThrow().lease());
    }

    @Test
    void aLostLeaderIsReplacedByTheMostAdvancedVoterOnceEnoughVotersDetached() {
        ClusterWorker worker = quorumCluster();
        votersObey(java.util.Map.of("pg-1", "0/5000000", "pg-2", "0/5000100"));
        quorumLeaderLost();

        worker.step();

        assertThat(h.store.value(CLUSTER, "leader"))
                .as("pg-2 flushed the most of the 2 voters read (2 needed)")
                .contains("pg-2");
        assertThat(sync())
                .as("pg-2 leaves the voters (k_r drops by one) and waits for pg-1")
                .isEqualTo(SyncSet.quorum("pg-2", java.util.Set.of("pg-1"), 0, java.util.Set.of("pg-1"), 1));
        assertThat(h.store.value(CLUSTER, "history"))
                .hasValueSatisfying(v -> assertThat(v).contains("quorum failover"));
        assertThat(h.events.acknowledged(ElectionEvent.FailoverStarted.class))
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("quorum"));
        worker.step();
        assertThat(h.store.value(CLUSTER, "detach"))
                .as("stale once a leader key exists: deleted")
                .isEmpty();
    }

    @Test
    void withFewerDetachedVotersThanTheQuorumNeedsNobodyIsPromotedAndTheStatusSaysWhy() throws Exception {
        ClusterWorker worker = quorumCluster();
        votersObey(java.util.Map.of("pg-2", "0/5000100")); // pg-1 is lost too
        h.agents.reports.remove(WorkerHarness.apiUrl("pg-1"));
        quorumLeaderLost();
        // the worker waits for reports until its deadline: its clock moves 100 ms on every read meanwhile
        h.tickPerRead.set(Duration.ofMillis(100).toNanos());
        try {
            worker.step();
            worker.step();
        } finally {
            h.tickPerRead.set(0);
        }
        assertThat(h.store.value(CLUSTER, "leader")).isEmpty();
        assertThat(h.store.value(CLUSTER, "detach"))
                .as("the order stays: the standbys must not follow pg-0 again")
                .hasValueSatisfying(
                        v -> assertThat(io.pgha.core.Detach.fromJson(v).isLeaderless())
                                .isTrue());
        assertThat(h.store.value(CLUSTER, "status"))
                .hasValueSatisfying(
                        v -> assertThat(v).contains("quorum failover").contains("read 1 of 2 voters, 2 needed"));
    }

    @Test
    void inQuorumModeAHandedOverSwitchoverPromotesItsCandidateWithoutTheQuorumRule() {
        ClusterWorker worker = quorumCluster();
        h.store.put(CLUSTER, "switchover", new Switchover("pg-0", "pg-1").toJson(), 0);
        promotesOnItsLeaderKey("pg-1");
        worker.step();
        assertThat(h.events.acknowledged(ElectionEvent.SwitchoverStarted.class)).hasSize(1);

        // pg-0's agent: pg-1 received the shutdown checkpoint; the key goes with the record (one transaction)
        h.store.expire(h.store.read(CLUSTER).member("pg-0").orElseThrow().lease());
        h.store.put(
                CLUSTER,
                "switchover",
                new Switchover("pg-0", "pg-1").handedOverAt("0/5000028").toJson(),
                0);
        worker.step();

        assertThat(h.store.value(CLUSTER, "leader")).contains("pg-1");
        assertThat(sync())
                .as("pg-1 leaves the voters (k_r drops by one) and waits for pg-2")
                .isEqualTo(SyncSet.quorum("pg-1", java.util.Set.of("pg-2"), 0, java.util.Set.of("pg-2"), 1));
        assertThat(h.store.value(CLUSTER, "detach"))
                .as("no voter was asked to detach: the quorum rule was not needed")
                .isEmpty();
        assertThat(h.store.value(CLUSTER, "switchover")).isEmpty();
        assertThat(h.events.acknowledged(ElectionEvent.SwitchoverCompleted.class))
                .singleElement()
                .satisfies(c -> assertThat(c.candidate()).isEqualTo("pg-1"));
        assertThat(h.events.acknowledged(ElectionEvent.FailoverStarted.class)).isEmpty();
    }

    @Test
    void aManualFailoverIsRefusedInQuorumMode() throws Exception {
        ClusterWorker worker = quorumCluster();
        quorumLeaderLost();
        h.store.put(CLUSTER, "config", "{\"synchronous_mode\":\"quorum\",\"pause\":true}", 0);
        CompletableFuture<String> answer = worker.manualFailover("pg-1", false);
        worker.step();
        assertThat(answer.get(5, TimeUnit.SECONDS)).contains("synchronous_mode is quorum");
        assertThat(h.store.value(CLUSTER, "leader")).isEmpty();
    }
}
