package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.agent.config.AgentConfig;
import io.pgha.agent.decide.Action;
import io.pgha.agent.decide.Fencing;
import io.pgha.core.DynamicConfig;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.core.store.MemberEntry;
import io.pgha.events.Lsn;
import io.pgha.local.Wait;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ActionExecutorTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final FakePostgres pg = new FakePostgres();
    private final FakeLeaseStore store = new FakeLeaseStore();
    private final AgentContext ctx = new AgentContext(
            config(Duration.ofSeconds(60)),
            "pg-1",
            store,
            pg,
            new PgProcess(pg, now::get, role -> {}, role -> {}),
            now::get,
            Duration.ofSeconds(3),
            new DynamicConfig(10, 1, 1, 10, 1L << 20, true)); // a handover waits 3 x 1 s
    private final ActionExecutor executor;

    ActionExecutorTest() {
        store.pgLock = ctx.pgLock;
        ctx.keeper = new LeaseKeeper(
                store,
                now::get,
                new Fencing(Duration.ofSeconds(10), Duration.ofSeconds(3)),
                () -> Duration.ofSeconds(10),
                () -> Duration.ofSeconds(1),
                new LeaseKeeper.Holder() {
                    @Override
                    public boolean actingPrimary() {
                        return ctx.role.current().actingPrimary();
                    }

                    @Override
                    public boolean paused() {
                        return false;
                    }

                    @Override
                    public void demote(String reason) {
                        synchronized (ctx.pgLock) {
                            executor().demote(reason);
                        }
                    }

                    @Override
                    public void leaseReplaced(long lease) {}
                });
        ctx.keeper.grant();
        Handover handover = new Handover(
                ctx.process,
                ctx.pgLock,
                now::get,
                ctx.keeper,
                new Handover.Agent() {
                    @Override
                    public void steppedDown() {
                        ctx.role.transition(Role.HANDING_OVER, Role.STANDBY);
                    }

                    @Override
                    public void resumed() {
                        ctx.role.tryTransition(Role.HANDING_OVER, Role.PRIMARY);
                    }

                    @Override
                    public void releaseLeaderKey(String candidate, Lsn shutdownCheckpoint) {
                        store.releaseLeader(ctx.me);
                    }
                },
                Duration.ZERO);
        executor = new ActionExecutor(ctx, handover);
        ctx.role.transition(Role.BOOTSTRAPPING, Role.PRIMARY);
        pg.standbys = List.of("pg-2");
        ctx.lastSnapshot = snapshot();
    }

    private ActionExecutor executor() {
        return executor;
    }

    /** An AgentConfig whose postgres() answers the stop timeout and re-clone on rewind failure. */
    private static AgentConfig config(Duration stopTimeout) {
        Object postgres = Proxy.newProxyInstance(
                AgentConfig.class.getClassLoader(),
                new Class<?>[] {AgentConfig.Postgres.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "stopTimeout" -> stopTimeout;
                    case "recloneOnRewindFailure" -> true;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (AgentConfig) Proxy.newProxyInstance(
                AgentConfig.class.getClassLoader(), new Class<?>[] {AgentConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("postgres")) {
                        return postgres;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private ClusterSnapshot snapshot() {
        MemberStatus candidate = new MemberStatus(
                "postgres://127.0.0.1:5433/postgres",
                "http://127.0.0.1:8009/patroni",
                MemberStatus.Role.REPLICA,
                "running",
                1,
                null,
                null,
                null,
                Map.of(),
                null,
                "0.1.0");
        return new ClusterSnapshot(
                10,
                Optional.of(new LeaderKey("pg-1", ctx.keeper.lease(), 5)),
                Map.of("pg-2", new MemberEntry("pg-2", candidate, 0)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Map.of("switchover", 7L));
    }

    @Test
    void aFencingDemotionThatWaitedForAnAbortedHandoverDemotesTheResumedPrimary() throws Exception {
        CompletableFuture<Void> watchdog = new CompletableFuture<>();
        // the candidate never confirms; while the handover holds the lock the lease deadline passes
        pg.candidateReceived = () -> {
            now.addAndGet(Duration.ofMillis(500).toNanos());
            return Optional.empty();
        };
        pg.onStart = () -> {
            if (!watchdog.isDone() && !pg.standby) { // restarting as primary after the abort, under the lock
                store.unreachable = true;
                now.addAndGet(Duration.ofSeconds(10).toNanos());
                Thread t = new Thread(() -> {
                    ctx.keeper.checkFencing(); // blocks on the lock until the handover is done
                    watchdog.complete(null);
                });
                t.start();
                Wait.until(
                        Duration.ofSeconds(10),
                        "the fencing check blocked on the lock",
                        () -> t.getState() == Thread.State.BLOCKED);
            }
        };
        executor.execute(new Action.HandOver("pg-2"), ctx.lastSnapshot);
        watchdog.get(10, TimeUnit.SECONDS);
        assertThat(ctx.keeper.fenced()).isTrue();
        assertThat(ctx.role.current()).isEqualTo(Role.STANDBY);
        assertThat(pg.calls)
                .containsSubsequence("configure primary", "start", "stop", "configure standby of none", "start");
        assertThat(store.leaderCalls).isEmpty();
    }

    @Test
    void aConfirmedHandoverReleasesTheKeyOutsideThePostgresLock() {
        pg.candidateReceived = () -> Optional.of(io.pgha.events.Lsn.parse("0/6000000"));
        executor.execute(new Action.HandOver("pg-2"), ctx.lastSnapshot);
        assertThat(store.leaderCalls).containsExactly("release pg-1");
        assertThat(ctx.role.current()).isEqualTo(Role.STANDBY);
        assertThat(ctx.following).contains("pg-2");
        assertThat(executor.handledSwitchover()).isEqualTo(7L);
    }

    @Test
    void aDetachEmptiesPrimaryConninfoWaitsForTheWalReceiverAndKeepsTheReport() {
        asStandbyFollowing("pg-0");
        pg.received = io.pgha.events.Lsn.parse("0/7000060");
        pg.walReceiver = () -> pg.calls.contains("reload") ? null : "streaming";
        executor.execute(new Action.Detach("pg-0", 42), ctx.lastSnapshot);
        assertThat(pg.calls).containsSubsequence("configure standby of none", "reload");
        assertThat(ctx.following).isEmpty();
        assertThat(ctx.detached).isEqualTo(new MemberStatus.Detached(42, io.pgha.events.Lsn.parse("0/7000060")));
    }

    @Test
    void aWalReceiverThatDoesNotGoIsNeverReportedDetached() {
        asStandbyFollowing("pg-0");
        pg.walReceiver = () -> {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            return "streaming";
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> executor.execute(new Action.Detach("pg-0", 42), ctx.lastSnapshot))
                .hasMessageContaining("WAL receiver from pg-0 still runs");
        assertThat(ctx.detached).isNull();
        assertThat(pg.calls).contains("configure standby of none"); // it still never follows pg-0 again
    }

    private void asStandbyFollowing(String leader) {
        ctx.role.transition(Role.PRIMARY, Role.STANDBY);
        pg.standby = true;
        ctx.following = Optional.of(leader);
    }

    @Test
    void releasingTheLeaderKeyIsAnEtcdCallOutsideThePostgresLockAndEndsActingAsPrimary() {
        executor.execute(new Action.ReleaseLeader("test"), ctx.lastSnapshot);
        assertThat(store.leaderCalls).containsExactly("release pg-1");
        assertThat(ctx.role.current()).isEqualTo(Role.STANDBY);
    }

    @Test
    void noPrimaryIsStartedOrPromotedWithoutALiveLease() {
        store.unreachable = true;
        now.addAndGet(Duration.ofSeconds(7).toNanos());
        pg.running = false;
        executor.execute(new Action.StartPrimary(), ctx.lastSnapshot);
        ctx.role.transition(Role.PRIMARY, Role.STANDBY);
        pg.running = true;
        pg.standby = true;
        executor.execute(new Action.Promote(), ctx.lastSnapshot);
        assertThat(pg.calls).doesNotContain("start", "promote");
    }

    @Test
    void aDemotionOfAMemberThatIsNotPrimaryDoesNothing() {
        ctx.role.transition(Role.PRIMARY, Role.STANDBY);
        executor.execute(new Action.Demote("test"), ctx.lastSnapshot);
        assertThat(pg.calls).isEmpty();
        assertThat(ctx.role.current()).isEqualTo(Role.STANDBY);
    }

    /** What a probe of a running primary shows, on {@code timeline}, started at {@code started}. */
    private static io.pgha.agent.pg.PgState primaryProbe(java.time.Instant started, long timeline) {
        return new io.pgha.agent.pg.PgState(
                true, true, false, timeline, null, null, null, null, null, 0, 150000, "1", null, false, started, "",
                false, List.of());
    }

    @Test
    void theLoopEnsuresSlotsOnlyWhenTheMembersTheServerRunOrTheTimelineChangedOrAfterAPromotion() {
        java.time.Instant started = java.time.Instant.parse("2026-12-02T10:00:00Z");
        executor.execute(new Action.EnsureSlots(), ctx.lastSnapshot, primaryProbe(started, 2));
        executor.execute(new Action.EnsureSlots(), ctx.lastSnapshot, primaryProbe(started, 2));
        assertThat(pg.slotsEnsured).containsExactly(List.of("pg_2"));

        executor.execute(new Action.EnsureSlots(), ctx.lastSnapshot, primaryProbe(started.plusSeconds(1), 2));
        assertThat(pg.slotsEnsured).hasSize(2); // restarted

        ClusterSnapshot withThird = withMember(ctx.lastSnapshot, "pg-3");
        executor.execute(new Action.EnsureSlots(), withThird, primaryProbe(started.plusSeconds(1), 2));
        assertThat(pg.slotsEnsured).hasSize(3).last().isEqualTo(List.of("pg_2", "pg_3"));

        executor.execute(new Action.EnsureSlots(), withThird, primaryProbe(started.plusSeconds(1), 2));
        assertThat(pg.slotsEnsured).hasSize(3);

        // a promotion forgets what was ensured, even on a probe that still shows the old timeline
        ctx.role.transition(Role.PRIMARY, Role.STANDBY);
        pg.standby = true;
        executor.execute(new Action.Promote(), withThird, primaryProbe(started.plusSeconds(1), 2));
        assertThat(pg.calls).contains("promote");
        executor.execute(new Action.EnsureSlots(), withThird, primaryProbe(started.plusSeconds(1), 2));
        assertThat(pg.slotsEnsured).hasSize(4);
        executor.execute(new Action.EnsureSlots(), withThird, primaryProbe(started.plusSeconds(1), 3));
        assertThat(pg.slotsEnsured).hasSize(5); // the new timeline

        // unknown server run (no probe): always
        executor.execute(new Action.EnsureSlots(), withThird);
        executor.execute(new Action.EnsureSlots(), withThird);
        assertThat(pg.slotsEnsured).hasSize(7);

        executor.execute(new Action.EnsureSlots(), withThird, primaryProbe(started.plusSeconds(1), 3));
        executor.execute(new Action.EnsureSlots(), withThird, primaryProbe(started.plusSeconds(1), 3));
        assertThat(pg.slotsEnsured).hasSize(8);
        now.addAndGet(io.pgha.agent.decide.SlotUpkeep.REFRESH.toNanos());
        executor.execute(new Action.EnsureSlots(), withThird, primaryProbe(started.plusSeconds(1), 3));
        assertThat(pg.slotsEnsured).hasSize(9); // the refresh
    }

    private static ClusterSnapshot withMember(ClusterSnapshot s, String member) {
        Map<String, MemberEntry> members = new java.util.TreeMap<>(s.members());
        MemberEntry any = members.values().iterator().next();
        members.put(member, new MemberEntry(member, any.status(), 0));
        return new ClusterSnapshot(
                s.revision(),
                s.leader(),
                members,
                s.config(),
                s.initialize(),
                s.sync(),
                s.switchover(),
                s.history(),
                s.status(),
                s.revisions());
    }

    private static ClusterSnapshot withSync(String syncJson) {
        return new ClusterSnapshot(
                10,
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(syncJson),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Map.of());
    }

    @Test
    void aQuorumSyncKeyIsAppliedAsAnyKAndAFirstOneAsBefore() {
        String quorum = io.pgha.core.SyncSet.quorum(
                        "pg-1", java.util.Set.of("pg-2", "pg-3"), 1, java.util.Set.of("pg-2", "pg-3"), 1)
                .toJson();
        assertThat(ctx.desiredSync(withSync(quorum))).contains("ANY 1 (\"pg-2\",\"pg-3\")");
        assertThat(ctx.desiredSync(withSync("{\"leader\":\"pg-1\",\"sync_standby\":\"pg-2\"}")))
                .contains("FIRST 1 (\"pg-2\")");
        String forAnother = io.pgha.core.SyncSet.quorum(
                        "pg-9", java.util.Set.of("pg-2"), 1, java.util.Set.of("pg-2"), 1)
                .toJson();
        assertThat(ctx.desiredSync(withSync(forAnother))).hasValue("");
    }
}
