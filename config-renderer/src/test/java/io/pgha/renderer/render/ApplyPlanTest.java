package io.pgha.renderer.render;

import static io.pgha.renderer.render.Topologies.settings;
import static io.pgha.renderer.render.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.TopologyEvent.TopologyChanged;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplyPlanTest {
    private final HaproxyConfigRenderer renderer = new HaproxyConfigRenderer();

    private RenderedConfig render(TopologyChanged topology) {
        return renderer.render(Map.of("main", topology), settings());
    }

    @Test
    void theSameConfigurationAsOnDiskDoesNothing() {
        RenderedConfig config = render(topology(5, "pg-0", 3));

        assertThat(ApplyPlan.decide(config, config.text(), config)).isInstanceOf(ApplyPlan.Nothing.class);
        assertThat(ApplyPlan.decide(null, config.text(), config))
                .as("a restarted renderer that renders the file it finds")
                .isInstanceOf(ApplyPlan.Nothing.class);
    }

    @Test
    void anUnknownOrForeignFileIsReloaded() {
        RenderedConfig config = render(topology(5, "pg-0", 3));

        assertThat(ApplyPlan.decide(null, null, config)).isInstanceOf(ApplyPlan.Reload.class);
        assertThat(ApplyPlan.decide(null, "global\n", config)).isInstanceOf(ApplyPlan.Reload.class);
        RenderedConfig other = render(topology(5, "pg-0", 2));
        assertThat(ApplyPlan.decide(other, "edited by hand", config)).isInstanceOf(ApplyPlan.Reload.class);
    }

    @Test
    void aNewLeaderIsARuntimeUpdate() {
        RenderedConfig before = render(topology(5, "pg-0", 3));
        RenderedConfig after = render(topology(6, "pg-1", 3));

        assertThat(ApplyPlan.decide(before, before.text(), after))
                .isEqualTo(new ApplyPlan.RuntimeUpdate(java.util.List.of(
                        "set server main_ro/pg-0 state ready", "set server main_ro/pg-1 state maint")));
    }

    @Test
    void aFormerLeaderIsMarkedDownInTheReadWriteBackend() {
        RenderedConfig before = render(topology(5, "pg-0", 3));

        assertThat(ApplyPlan.demotions(before, render(topology(6, "pg-1", 3))))
                .containsExactly("set server main_rw/pg-0 health down");
        assertThat(ApplyPlan.demotions(before, render(topology(6, "pg-0", 4)))).isEmpty();
        assertThat(ApplyPlan.demotions(null, before)).isEmpty();
    }

    @Test
    void aNewLeaderAmongTheSameServersIsMarkedUpInTheReadWriteBackend() {
        RenderedConfig leaderless = render(topology(6, null, 3));

        assertThat(ApplyPlan.promotions(leaderless, render(topology(7, "pg-1", 3))))
                .containsExactly("set server main_rw/pg-1 health up");
        assertThat(ApplyPlan.promotions(render(topology(7, "pg-1", 3)), render(topology(8, "pg-1", 3))))
                .isEmpty();
        assertThat(ApplyPlan.promotions(null, leaderless)).isEmpty();
    }

    @Test
    void aLeaderThatReleasedItsKeyIsMarkedDownBeforeTheNextOneIsNamed() {
        RenderedConfig before = render(topology(5, "pg-0", 3));

        assertThat(ApplyPlan.demotions(before, render(topology(6, null, 3))))
                .as("a switchover or failover in progress: no leader yet")
                .containsExactly("set server main_rw/pg-0 health down");
    }

    @Test
    void newServersAreHeldDownUntilTheirFirstCheckExceptTheLeaderForWrites() {
        RenderedConfig before = render(topology(5, "pg-0", 3));
        RenderedConfig after = render(topology(5, "pg-0", 4));

        assertThat(ApplyPlan.holdNewServers(before, after))
                .containsExactly("set server main_ro/pg-3 health down", "set server main_rw/pg-3 health down");
        assertThat(ApplyPlan.holdNewServers(null, before))
                .hasSize(5)
                .doesNotContain("set server main_rw/pg-0 health down");
    }

    @Test
    void aNewEpochWithTheSameRolesOnlyRewritesTheFile() {
        RenderedConfig before = render(topology(5, "pg-0", 3));
        RenderedConfig after = render(topology(6, "pg-0", 3));

        assertThat(ApplyPlan.decide(before, before.text(), after)).isInstanceOf(ApplyPlan.WriteOnly.class);
    }

    @Test
    void aNewMemberIsAReload() {
        RenderedConfig before = render(topology(5, "pg-0", 3));
        RenderedConfig after = render(topology(5, "pg-0", 4));

        assertThat(ApplyPlan.decide(before, before.text(), after))
                .isEqualTo(new ApplyPlan.Reload("servers or listeners changed"));
    }
}
