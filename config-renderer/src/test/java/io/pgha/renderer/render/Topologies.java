package io.pgha.renderer.render;

import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain topologies and settings for the renderer's unit tests. */
public final class Topologies {
    public static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private Topologies() {}

    public static RenderSettings settings() {
        return settings(true);
    }

    public static RenderSettings settings(boolean fallback) {
        return new RenderSettings(
                "127.0.0.1",
                7000,
                "/run/haproxy/runtime.sock",
                "/run/haproxy/server-state",
                1000,
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofMinutes(30),
                Duration.ofMinutes(30),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofSeconds(3),
                2,
                1,
                "16MB",
                "roundrobin",
                fallback,
                Map.of("main", new ClusterPorts(5000, 5001)));
    }

    /** Members pg-0..pg-(n-1) on ports 5432+i with agents on 8008+i; {@code leader} leads. */
    public static TopologyChanged topology(long epoch, String leader, int members) {
        List<Member> list = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            String name = "pg-" + i;
            list.add(member(name, name.equals(leader) ? MemberRole.LEADER : MemberRole.REPLICA, 5432 + i, 8008 + i));
        }
        return new TopologyChanged("main", epoch, leader, list, List.of(), false, AT);
    }

    public static Member member(String name, MemberRole role, int port, int agentPort) {
        return new Member(
                name,
                role,
                "running",
                "127.0.0.1",
                port,
                "http://127.0.0.1:" + agentPort + "/patroni",
                1,
                0L,
                Map.of());
    }

    public static TopologyChanged withMembers(TopologyChanged topology, List<Member> members) {
        return new TopologyChanged(
                topology.cluster(),
                topology.epoch(),
                topology.leader(),
                members,
                topology.syncStandbys(),
                topology.pause(),
                topology.occurredAt());
    }
}
