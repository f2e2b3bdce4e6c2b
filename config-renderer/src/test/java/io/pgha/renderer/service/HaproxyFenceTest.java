package io.pgha.renderer.service;

import static io.pgha.renderer.render.Topologies.settings;
import static io.pgha.renderer.render.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgha.core.store.RouterReport;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.local.Wait;
import io.pgha.renderer.fence.FenceDecision;
import io.pgha.renderer.render.RenderedConfig;
import io.pgha.renderer.render.Topologies;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fence's executor steps in {@link HaproxyRouting} over the in-memory HAProxy. */
class HaproxyFenceTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final InMemoryHaproxy haproxy = new InMemoryHaproxy();
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final RoutingReports reports = new RoutingReports() {
        @Override
        public void routed(Collection<TopologyChanged> inForce) {}

        @Override
        public void fenced(String cluster, RouterReport.Fenced fence) {
            reported.add(cluster + ":"
                    + (fence == null ? "none" : fence.member() + "@" + fence.epoch() + "/" + fence.detachRevision()));
        }
    };
    private final HaproxyRouting routing = routing(Duration.ofMillis(50));

    private HaproxyRouting routing(Duration liftRewriteDelay) {
        return new HaproxyRouting(
                settings(),
                haproxy,
                Clock.fixed(Topologies.AT, ZoneOffset.UTC),
                new SimpleMeterRegistry(),
                "/etc/haproxy/haproxy.cfg",
                Duration.ofMillis(50),
                reports,
                liftRewriteDelay);
    }

    @AfterEach
    void stop() {
        routing.close();
    }

    private void firstApplied() {
        routing.offer(topology(1, "pg-0", 3));
        routing.caughtUp();
        Wait.until(DEADLINE, "applied", () -> routing.ready() && haproxy.writes == 1);
        haproxy.journal.clear();
    }

    /**
     * The fence's file rewritten and in force: the write count reaches 2 at the install, the status names
     * the file only once the apply's runtime update is done.
     */
    private void fenceFileInForce() {
        Wait.until(
                DEADLINE,
                "file rewritten and in force",
                () -> haproxy.writes == 2
                        && RenderedConfig.hash(haproxy.file)
                                .equals(routing.status().hash()));
    }

    @Test
    void aFenceTakesTheLeaderOutOfTheCurrentWorkerAndEndsTheOldWorkersSessionsBeforeItIsReported() {
        firstApplied();
        haproxy.showProc = "#<PID> <type>\n1 master 1 [failed: 0]\n# workers\n3 worker 0 0d\n# old workers\n2 worker 1"
                + " 0d\n# programs\n";
        haproxy.sessions.put(
                2L,
                "0x1: proto=tcpv4 src=127.0.0.1:1 fe=main_rw be=main_rw srv=pg-0 ts=00\n"
                        + "0x2: proto=tcpv4 src=127.0.0.1:2 fe=main_ro be=main_ro srv=pg-1 ts=00\n");

        routing.fence("main", "pg-0", 7, 30, "test");

        Wait.until(DEADLINE, "fence reported", () -> reported.contains("main:pg-0@7/30"));
        assertThat(haproxy.journal)
                .containsSubsequence(
                        "set server main_rw/pg-0 state maint",
                        "shutdown sessions server main_rw/pg-0",
                        "@!2 show sess",
                        "@!2 shutdown session 0x1")
                .doesNotContain("@!2 shutdown session 0x2");
        assertThat(routing.fenced("main")).isEqualTo(Map.of("pg-0", new FenceDecision.Fence(7, 30)));
        // the file says it too, so a reload keeps pg-0 out of the read-write backend
        fenceFileInForce();
        assertThat(haproxy.file).contains("# fenced pg-0 for the detach of epoch 7");
    }

    @Test
    void anOldWorkerThatKeepsItsSessionsIsNotReportedFenced() {
        firstApplied();
        haproxy.showProc = "# workers\n3 worker 0 0d\n# old workers\n2 worker 1 0d\n";
        haproxy.stickySessions = true; // shutdown session does not take
        haproxy.sessions.put(2L, "0x1: proto=tcpv4 src=127.0.0.1:1 fe=main_rw be=main_rw srv=pg-0 ts=00\n");

        routing.fence("main", "pg-0", 7, 30, "test");

        Wait.until(
                DEADLINE,
                "tried",
                () -> haproxy.journal.stream()
                                .filter(c -> c.equals("@!2 show sess"))
                                .count()
                        == 3);
        Wait.until(DEADLINE, "file rewritten", () -> haproxy.writes == 2);
        assertThat(reported).isEmpty();
        assertThat(routing.fenced("main")).isEmpty();
    }

    @Test
    void aRefusedRuntimeCommandIsNotReportedFenced() {
        firstApplied();
        haproxy.answers.put("set server main_rw/pg-0 state maint", "Permission denied");

        routing.fence("main", "pg-0", 7, 30, "test");

        Wait.until(DEADLINE, "file rewritten", () -> haproxy.writes == 2);
        assertThat(reported).isEmpty();
        assertThat(routing.fenced("main")).isEmpty();
    }

    @Test
    void aMemberTheRunningHaproxyDoesNotHaveCountsAsFenced() {
        firstApplied();
        haproxy.answers.put("set server main_rw/pg-9 state maint", "No such server.");
        haproxy.answers.put("shutdown sessions server main_rw/pg-9", "No such server.");

        routing.fence("main", "pg-9", 7, 30, "test");

        Wait.until(DEADLINE, "fence reported", () -> reported.contains("main:pg-9@7/30"));
    }

    @Test
    void aReloadWhileFencedKeepsTheMemberOutAndALiftPutsItBack() {
        firstApplied();
        routing.fence("main", "pg-0", 7, 30, "test");
        Wait.until(DEADLINE, "fence reported", () -> reported.contains("main:pg-0@7/30"));
        // the fence's apply sends its runtime update after the install: done before the journal is cleared
        fenceFileInForce();
        haproxy.journal.clear();

        routing.offer(topology(8, "pg-1", 4)); // a fourth member: a reload
        // the journal was cleared after the first apply's reload: this "reload" is the fourth member's
        Wait.until(DEADLINE, "reloaded", () -> haproxy.journal.contains("reload"));
        Wait.until(
                DEADLINE,
                "states enforced",
                () -> haproxy.journal.contains("set server main_rw/pg-1 state ready")
                        && haproxy.journal.contains("set server main_rw/pg-0 state maint"));
        assertThat(haproxy.journal)
                .contains("set server main_rw/pg-0 state maint")
                .doesNotContain("set server main_rw/pg-0 state ready");

        routing.lift("main", "pg-0", "test");
        Wait.until(DEADLINE, "lift reported", () -> reported.contains("main:none"));
        // the lift is reported before the member is put back (a gate never counts a fence that is gone)
        Wait.until(DEADLINE, "put back", () -> haproxy.journal.contains("set server main_rw/pg-0 state ready"));
        assertThat(routing.fenced("main")).isEmpty();
        Wait.until(DEADLINE, "file without the fence", () -> !haproxy.file.contains("fenced pg-0"));
    }

    @Test
    void aLiftLeavesTheFileToTheTopologyThatNamesTheMemberLeader() {
        routing.close();
        HaproxyRouting slow = routing(Duration.ofHours(1)); // the lift's own rewrite never comes in this test
        try {
            slow.offer(topology(1, "pg-0", 3));
            slow.caughtUp();
            Wait.until(DEADLINE, "applied", () -> slow.ready() && haproxy.writes == 1);
            slow.fence("main", "pg-0", 7, 30, "test");
            Wait.until(DEADLINE, "fence reported", () -> reported.contains("main:pg-0@7/30"));
            Wait.until(DEADLINE, "file rewritten", () -> haproxy.writes == 2);

            haproxy.journal.clear(); // the first apply set pg-0 ready already: "put back" must be the lift's
            slow.lift("main", "pg-0", "test"); // the leader key names pg-0 again: a switchover back to it
            Wait.until(DEADLINE, "put back", () -> haproxy.journal.contains("set server main_rw/pg-0 state ready"));
            slow.offer(topology(9, "pg-0", 3)); // the coordinator's topology once pg-0 runs as primary

            Wait.until(
                    DEADLINE,
                    "epoch 9 routed",
                    () -> slow.status().clusters().get(0).epoch() == 9);
            assertThat(haproxy.file).doesNotContain("fenced pg-0");
            assertThat(haproxy.writes)
                    .as("one write, the topology's: no haproxy -c of the lift's own before it")
                    .isEqualTo(3);
        } finally {
            slow.close();
        }
    }

    @Test
    void aRestartedRendererKeepsTheFencesItsFileCarriesUntilLifted() {
        firstApplied();
        routing.fence("main", "pg-0", 7, 30, "test");
        Wait.until(DEADLINE, "file rewritten", () -> haproxy.writes == 2);
        routing.close();

        HaproxyRouting restarted = routing(Duration.ofMillis(50));
        try {
            assertThat(restarted.fenced("main")).isEqualTo(Map.of("pg-0", new FenceDecision.Fence(7, 0)));
            restarted.offer(topology(1, "pg-0", 3));
            restarted.caughtUp();
            Wait.until(DEADLINE, "ready", restarted::ready);
            assertThat(haproxy.file).contains("# fenced pg-0 for the detach of epoch 7");
            assertThat(haproxy.journal).doesNotContain("set server main_rw/pg-0 state ready");

            restarted.lift("main", "pg-0", "test");
            Wait.until(DEADLINE, "file without the fence", () -> !haproxy.file.contains("fenced pg-0"));
        } finally {
            restarted.close();
        }
    }
}
