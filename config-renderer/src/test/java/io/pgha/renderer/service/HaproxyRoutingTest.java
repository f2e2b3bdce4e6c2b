package io.pgha.renderer.service;

import static io.pgha.renderer.render.Topologies.settings;
import static io.pgha.renderer.render.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.local.Wait;
import io.pgha.renderer.render.RenderedConfig;
import io.pgha.renderer.render.Topologies;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HaproxyRoutingTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final InMemoryHaproxy haproxy = new InMemoryHaproxy();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private HaproxyRouting routing = start();

    private HaproxyRouting start() {
        return new HaproxyRouting(
                settings(),
                haproxy,
                Clock.fixed(Topologies.AT, ZoneOffset.UTC),
                metrics,
                "/etc/haproxy/haproxy.cfg",
                Duration.ofMillis(50));
    }

    @AfterEach
    void stop() {
        routing.close();
    }

    private void applied(long writes) {
        Wait.until(
                DEADLINE,
                writes + " write(s), applied",
                () -> routing.ready()
                        && haproxy.writes == writes
                        && RenderedConfig.hash(haproxy.file)
                                .equals(routing.status().hash()));
    }

    /** Epoch 1 with leader pg-0 applied; returns its file. */
    private String firstApplied() {
        routing.offer(topology(1, "pg-0", 3));
        routing.caughtUp();
        applied(1);
        haproxy.runtimeCommands.clear();
        return haproxy.file;
    }

    /** The one refusal: epoch 2 of main, at {@code stage}, counted; HAProxy still routes epoch 1. */
    private void refusedAt(String stage, String... reason) {
        Wait.until(DEADLINE, "refusal reported", () -> routing.status().rejected() == 1);
        assertThat(routing.status().lastError()).satisfies(error -> {
            assertThat(error.cluster()).isEqualTo("main");
            assertThat(error.epoch()).isEqualTo(2);
            assertThat(error.stage()).isEqualTo(stage);
            assertThat(error.reason()).contains(reason);
        });
        assertThat(metrics.get("pgha_renderer_rejected")
                        .tags("cluster", "main", "stage", stage)
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(routing.status().clusters().get(0).epoch()).isEqualTo(1);
    }

    @Test
    void nothingIsRenderedBeforeTheTopicWasReadToItsEnd() {
        routing.offer(topology(1, "pg-0", 3));
        routing.offer(topology(2, "pg-0", 3));

        assertThat(haproxy.writes).isZero();
        assertThat(routing.ready()).isFalse();

        routing.caughtUp();
        applied(1);
        assertThat(haproxy.file).contains("epoch 2");
        assertThat(haproxy.reloaded).hasSize(1);
        assertThat(routing.status().clusters()).singleElement().satisfies(cluster -> {
            assertThat(cluster.epoch()).isEqualTo(2);
            assertThat(cluster.version()).isEqualTo("2-" + routing.status().hash());
        });
    }

    @Test
    void theSameTopologyTwiceWritesAndReloadsNothing() throws Exception {
        routing.offer(topology(1, "pg-0", 3));
        routing.caughtUp();
        applied(1);

        routing.offer(topology(1, "pg-0", 3));
        // not appliedAt: the first apply set it already (a fixed clock), so close() could drop the second
        Wait.until(
                DEADLINE,
                "second offer handled",
                () -> metrics.get("pgha_renderer_apply").timer().count() >= 2);
        routing.close();
        assertThat(haproxy.writes).isEqualTo(1);
        assertThat(haproxy.reloaded).hasSize(1);
    }

    @Test
    void aNewLeaderGoesThroughTheRuntimeApiWithoutReload() {
        routing.offer(topology(1, "pg-0", 3));
        routing.caughtUp();
        applied(1);
        assertThat(haproxy.runtimeCommands)
                .as("after a reload every server is set to its state (the state file may hold older ones)")
                .hasSize(5 + 6)
                .contains("set server main_ro/pg-0 state maint", "set server main_rw/pg-0 state ready");
        haproxy.runtimeCommands.clear();

        routing.offer(topology(2, "pg-1", 3));
        applied(2);

        assertThat(haproxy.reloaded).hasSize(1);
        assertThat(haproxy.runtimeCommands)
                .as("the leader change first, then the other states")
                .containsExactly(
                        "set server main_rw/pg-0 health down",
                        "set server main_rw/pg-1 health up",
                        "set server main_ro/pg-0 state ready",
                        "set server main_ro/pg-1 state maint");
        assertThat(routing.status().runtimeUpdates()).isEqualTo(2);
    }

    @Test
    void anInvalidMemberKeepsTheLastGoodConfigurationAndIsReported() {
        String good = firstApplied();

        TopologyChanged bad = topology(2, "pg-0", 3);
        List<Member> members = new ArrayList<>(bad.members());
        members.add(Topologies.member("pg-3", MemberRole.REPLICA, 0, 8011));
        routing.offer(Topologies.withMembers(bad, members));

        refusedAt("topology", "member pg-3: port 0");
        assertThat(haproxy.file).isEqualTo(good);
    }

    @Test
    void aConfigurationHaproxyRefusesIsNotInstalled() {
        routing.offer(topology(1, "pg-0", 3));
        routing.caughtUp();
        applied(1);

        haproxy.valid = text -> !text.contains("pg-3");
        routing.offer(topology(1, "pg-0", 4));

        Wait.until(DEADLINE, "refusal reported", () -> routing.status().rejected() == 1);
        assertThat(haproxy.file).doesNotContain("pg-3");
        assertThat(routing.status().lastError().stage()).isEqualTo("validation");
        assertThat(routing.status().lastError().reason()).contains("[ALERT] invalid");
    }

    @Test
    void aLeaderWithANewlineIsRefusedAndNothingOfItReachesTheFile() {
        String good = firstApplied();

        TopologyChanged hostile = topology(2, "pg-0", 3);
        routing.offer(new TopologyChanged(
                "main",
                2,
                "pg-1\nlisten evil\n    bind 0.0.0.0:6666",
                hostile.members(),
                List.of(),
                false,
                Topologies.AT));

        refusedAt("topology", "leader", "control character");
        assertThat(haproxy.file).isEqualTo(good);
        assertThat(haproxy.writes).isEqualTo(1);
        assertThat(haproxy.runtimeCommands).isEmpty();
    }

    @Test
    void aChangeOfCommentsOnlyIsValidatedBeforeItIsInstalled() {
        String good = firstApplied();

        haproxy.valid = text -> !text.contains("epoch 2");
        routing.offer(topology(2, "pg-0", 3));

        refusedAt("validation", "[ALERT] invalid");
        assertThat(haproxy.file).isEqualTo(good);
    }

    @Test
    void aFailoverThatAlsoRemovesTheLostLeaderMarksTheNewOneUpBeforeTheReload() {
        firstApplied();
        haproxy.journal.clear();

        TopologyChanged lostPg0 = Topologies.withMembers(
                topology(2, "pg-1", 3),
                topology(2, "pg-1", 3).members().stream()
                        .filter(m -> !m.name().equals("pg-0"))
                        .toList());
        routing.offer(lostPg0);
        applied(2);

        assertThat(haproxy.reloaded).as("a server is gone: reloaded").hasSize(2);
        assertThat(haproxy.journal)
                .as("the new leader is up in the running HAProxy before haproxy -c and the reload")
                .startsWith("set server main_rw/pg-1 health up", "reload");
    }

    @Test
    void aRuntimeUpdateIsValidatedBeforeTheFileIsInstalledOrAnyStateButTheLeaderChanged() {
        String good = firstApplied();
        haproxy.runtimeCommands.clear();

        haproxy.valid = text -> !text.contains("leader pg-1");
        routing.offer(topology(2, "pg-1", 3));

        refusedAt("validation", "[ALERT] invalid");
        assertThat(haproxy.file).isEqualTo(good);
        assertThat(haproxy.runtimeCommands)
                .as("the leader change went first (what the health checks would do), nothing else")
                .containsExactly("set server main_rw/pg-0 health down", "set server main_rw/pg-1 health up");
    }

    @Test
    void aRestartedRendererThatFindsItsFileDoesNotReload() {
        routing.offer(topology(1, "pg-0", 3));
        routing.caughtUp();
        applied(1);
        routing.close();

        routing = start();
        routing.offer(topology(1, "pg-0", 3));
        routing.caughtUp();
        Wait.until(DEADLINE, "ready", routing::ready);

        assertThat(haproxy.writes).isEqualTo(1);
        assertThat(haproxy.reloaded).hasSize(1);
        assertThat(routing.status().hash()).isNotNull();
    }

    @Test
    void aReloadThatCannotReachHaproxyIsRetried() {
        haproxy.reachable = false;
        routing.offer(topology(1, "pg-0", 3));
        routing.caughtUp();
        applied(1);
        assertThat(routing.status().reloadPending()).isTrue();

        haproxy.reachable = true;
        Wait.until(DEADLINE, "reload retried", () -> !routing.status().reloadPending());
        assertThat(haproxy.reloaded).hasSize(1);
    }

    @Test
    void aRestartWhoseTopicEndsWithAnInvalidTopologyRoutesByTheLastValidOne() {
        routing.offer(topology(1, "pg-0", 3));
        routing.caughtUp();
        applied(1);
        routing.close();

        routing = start();
        routing.offer(topology(1, "pg-0", 3));
        TopologyChanged bad = topology(2, "pg-0", 3);
        List<Member> members = new ArrayList<>(bad.members());
        members.add(Topologies.member("pg-3", MemberRole.REPLICA, 0, 8011));
        routing.offer(Topologies.withMembers(bad, members));
        routing.caughtUp();
        Wait.until(DEADLINE, "ready", routing::ready);

        assertThat(haproxy.writes).isEqualTo(1);
        assertThat(haproxy.reloaded).hasSize(1);
        assertThat(routing.status().rejected()).isEqualTo(1);
        assertThat(routing.status().clusters().get(0).epoch()).isEqualTo(1);
    }

    @Test
    void aRestartWithOnlyAnInvalidTopologyLeavesHaproxyAlone() {
        haproxy.file = "global\n# what HAProxy runs\n";
        TopologyChanged bad = topology(2, "pg-0", 3);
        List<Member> members = new ArrayList<>(bad.members());
        members.add(Topologies.member("pg-3", MemberRole.REPLICA, 0, 8011));
        routing.offer(Topologies.withMembers(bad, members));
        routing.caughtUp();
        Wait.until(DEADLINE, "ready", routing::ready);

        assertThat(haproxy.file).isEqualTo("global\n# what HAProxy runs\n");
        assertThat(haproxy.reloaded).isEmpty();
        assertThat(routing.status().lastError().reason()).contains("port 0");
    }
}
