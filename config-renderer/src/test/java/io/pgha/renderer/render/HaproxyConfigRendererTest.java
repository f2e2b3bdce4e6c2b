package io.pgha.renderer.render;

import static io.pgha.renderer.render.Topologies.settings;
import static io.pgha.renderer.render.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HaproxyConfigRendererTest {
    private final HaproxyConfigRenderer renderer = new HaproxyConfigRenderer();

    @Test
    void rendersBothListenersWithHealthChecksOnTheAgents() {
        RenderedConfig config = renderer.render(Map.of("main", topology(7, "pg-0", 3)), settings());
        System.out.println(config.text());

        assertThat(config.text())
                .contains("stats socket /run/haproxy/runtime.sock mode 600 level admin")
                .contains("default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions")
                .contains("    hard-stop-after 2s\n")
                .contains("    retries 3\n    option redispatch 1\n")
                .contains("http-request use-service prometheus-exporter if { path /metrics }")
                .contains("stats uri /stats")
                .contains("# cluster main: epoch 7, leader pg-0")
                .contains("frontend main_rw\n    bind 127.0.0.1:5000\n    default_backend main_rw\n")
                .contains("http-check send meth OPTIONS uri /primary")
                .contains("http-check send meth OPTIONS uri /replica?lag=16MB")
                .contains("    use_backend main_ro if { nbsrv(main_ro) gt 0 }\n    default_backend main_rw\n")
                .contains("    balance roundrobin\n");
        String readWrite = section(config.text(), "backend main_rw");
        assertThat(readWrite)
                .contains("    server pg-0 127.0.0.1:5432 check addr 127.0.0.1 port 8008\n")
                .contains("    server pg-1 127.0.0.1:5433 check addr 127.0.0.1 port 8009\n")
                .contains("    server pg-2 127.0.0.1:5434 check addr 127.0.0.1 port 8010\n")
                .doesNotContain("disabled");
        assertThat(readWrite).doesNotContain("default-server");
        String readOnly = section(config.text(), "backend main_ro");
        assertThat(readOnly)
                .contains("    default-server inter 3s fastinter 1s downinter 1s fall 2 rise 1"
                        + " on-marked-down shutdown-sessions\n")
                .contains("    server pg-0 127.0.0.1:5432 check addr 127.0.0.1 port 8008 disabled\n")
                .contains("    server pg-1 127.0.0.1:5433 check addr 127.0.0.1 port 8009\n");
        assertThat(config.states())
                .containsEntry(new ServerRef("main_ro", "pg-0"), AdminState.MAINT)
                .containsEntry(new ServerRef("main_ro", "pg-1"), AdminState.READY)
                .containsEntry(new ServerRef("main_rw", "pg-0"), AdminState.READY);
        assertThat(config.version("main")).isEqualTo("7-" + config.hash());
        assertThat(config.hash()).hasSize(12);
    }

    @Test
    void withoutFallbackTheReadOnlyListenerOnlyUsesReplicas() {
        RenderedConfig config = renderer.render(Map.of("main", topology(7, "pg-0", 3)), settings(false));

        assertThat(section(config.text(), "frontend main_ro"))
                .contains("default_backend main_ro")
                .doesNotContain("nbsrv")
                .doesNotContain("main_rw");
    }

    @Test
    void sameTopologyInAnotherOrderGivesTheSameBytes() {
        TopologyChanged topology = topology(7, "pg-0", 3);
        List<Member> shuffled = new ArrayList<>(topology.members());
        Collections.reverse(shuffled);

        RenderedConfig a = renderer.render(Map.of("main", topology), settings());
        RenderedConfig b = renderer.render(Map.of("main", Topologies.withMembers(topology, shuffled)), settings());

        assertThat(b.text()).isEqualTo(a.text());
        assertThat(b.hash()).isEqualTo(a.hash());
    }

    @Test
    void aNewLeaderChangesServerStatesOnlyNotTheStructure() {
        RenderedConfig before = renderer.render(Map.of("main", topology(7, "pg-0", 3)), settings());
        RenderedConfig after = renderer.render(Map.of("main", topology(8, "pg-1", 3)), settings());

        assertThat(after.structure()).isEqualTo(before.structure());
        assertThat(after.text()).isNotEqualTo(before.text());
        assertThat(after.stateChangesFrom(before))
                .containsOnly(
                        Map.entry(new ServerRef("main_ro", "pg-0"), AdminState.READY),
                        Map.entry(new ServerRef("main_ro", "pg-1"), AdminState.MAINT));
    }

    @Test
    void aNewMemberChangesTheStructure() {
        RenderedConfig before = renderer.render(Map.of("main", topology(7, "pg-0", 3)), settings());
        RenderedConfig after = renderer.render(Map.of("main", topology(7, "pg-0", 4)), settings());

        assertThat(after.structure()).isNotEqualTo(before.structure());
    }

    @Test
    void noLoadBalanceKeepsAReplicaOutOfTheReadOnlyListener() {
        TopologyChanged topology = topology(7, "pg-0", 2);
        Member tagged = new Member(
                "pg-1",
                MemberRole.REPLICA,
                "streaming",
                "127.0.0.1",
                5433,
                "http://127.0.0.1:8009/patroni",
                1,
                0L,
                Map.of("noloadbalance", true));
        RenderedConfig config = renderer.render(
                Map.of(
                        "main",
                        Topologies.withMembers(
                                topology, List.of(topology.members().get(0), tagged))),
                settings());

        assertThat(config.states()).containsEntry(new ServerRef("main_ro", "pg-1"), AdminState.MAINT);
    }

    @Test
    void httpsAgentsAreCheckedOverTlsAndIpv6HostsAreBracketed() {
        TopologyChanged topology = topology(7, "pg-0", 1);
        Member member = new Member(
                "pg-0", MemberRole.LEADER, "running", "::1", 5432, "https://[::1]:8008/patroni", 1, 0L, Map.of());
        RenderedConfig config =
                renderer.render(Map.of("main", Topologies.withMembers(topology, List.of(member))), settings());

        assertThat(config.text())
                .contains(
                        "server pg-0 [::1]:5432 check addr ::1 port 8008 check-ssl verify required ca-file @system-ca\n");
    }

    @Test
    void httpsChecksVerifyTheAgentWithTheConfiguredCaAndNameHostsByName() {
        String ca = "/etc/pgha/ca.crt";
        assertThat(HaproxyConfigRenderer.checkSsl(new TopologyCheck.AgentEndpoint("10.0.0.5", 8008, false), ca))
                .as("plain http: no TLS at all")
                .isEmpty();
        assertThat(HaproxyConfigRenderer.checkSsl(new TopologyCheck.AgentEndpoint("10.0.0.5", 8008, true), ca))
                .as("an address: the chain is verified, HAProxy 2.6 cannot match an IP to the certificate")
                .isEqualTo(" check-ssl verify required ca-file /etc/pgha/ca.crt");
        assertThat(HaproxyConfigRenderer.checkSsl(new TopologyCheck.AgentEndpoint("pg-0.db", 8008, true), ca))
                .isEqualTo(" check-ssl verify required ca-file /etc/pgha/ca.crt check-sni pg-0.db verifyhost pg-0.db");

        Member member = new Member(
                "pg-0",
                MemberRole.LEADER,
                "running",
                "10.0.0.5",
                5432,
                "https://10.0.0.5:8009/patroni",
                1,
                0L,
                Map.of());
        RenderedConfig config = renderer.render(
                Map.of("main", Topologies.withMembers(topology(7, "pg-0", 1), List.of(member))),
                settings().withAgentCaFile(ca));
        assertThat(config.text())
                .contains("server pg-0 10.0.0.5:5432 check addr 10.0.0.5 port 8009 check-ssl verify required"
                        + " ca-file /etc/pgha/ca.crt\n")
                .doesNotContain("verify none");
    }

    @Test
    void noTopologyGivesOnlyTheStatsListener() {
        RenderedConfig config = renderer.render(Map.of(), settings());

        assertThat(config.text()).contains("frontend stats").doesNotContain("backend");
        assertThat(config.epochs()).isEmpty();
        assertThat(section(config.text(), "frontend stats"))
                .as("HAProxy's Prometheus exporter on the stats port, before any cluster exists")
                .isEqualTo(
                        """
                        frontend stats
                            mode http
                            bind 127.0.0.1:7000
                            http-request use-service prometheus-exporter if { path /metrics }
                            stats enable
                            stats uri /stats
                            stats refresh 5s
                        """);
    }

    @Test
    void durationsAreWrittenTheWayHaproxyReadsThem() {
        assertThat(HaproxyConfigRenderer.duration(java.time.Duration.ofMillis(1500)))
                .isEqualTo("1500ms");
        assertThat(HaproxyConfigRenderer.duration(java.time.Duration.ofSeconds(2)))
                .isEqualTo("2s");
        assertThat(HaproxyConfigRenderer.duration(java.time.Duration.ofMinutes(30)))
                .isEqualTo("30m");
    }

    static String section(String text, String header) {
        int start = text.indexOf("\n" + header + "\n");
        assertThat(start).as("section %s", header).isNotNegative();
        start++;
        int end = text.indexOf("\n\n", start);
        return end < 0 ? text.substring(start) : text.substring(start, end + 1);
    }
}
