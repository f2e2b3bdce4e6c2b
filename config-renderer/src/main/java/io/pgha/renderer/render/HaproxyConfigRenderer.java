package io.pgha.renderer.render;

import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.quarkus.qute.Engine;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Topologies + settings → {@code haproxy.cfg}: a pure function over plain records (the Qute
 * template {@code haproxy/haproxy.cfg.qute}). Per cluster:
 *
 * <ul>
 *   <li>a read-write listener whose backend holds every member, health-checked with {@code OPTIONS
 *       /primary} on the member's agent: only the member whose agent answers 200 gets clients, even
 *       when the topology is stale (Kafka down);
 *   <li>a read-only listener whose backend holds every member, checked with {@code /replica?lag=},
 *       where members the topology does not name as replicas (the leader, {@code noloadbalance}) are
 *       in maintenance; with the fallback on, clients go to the read-write backend while no replica
 *       is up.
 * </ul>
 *
 * Members are sorted by name, so the same topology gives the same bytes whatever order it lists them in.
 * The caller checks {@link TopologyCheck#problems} first.
 */
public final class HaproxyConfigRenderer {
    private static final String TEMPLATE = "haproxy/haproxy.cfg.qute";

    private final Template template;

    public HaproxyConfigRenderer() {
        Engine engine = Engine.builder()
                .addDefaults()
                .addValueResolver(new ReflectionValueResolver())
                .removeStandaloneLines(true)
                .build();
        this.template = engine.parse(load());
    }

    /** One server line in the template. */
    public record ServerModel(
            String name,
            String address,
            String checkHost,
            int checkPort,
            String checkSsl,
            boolean readOnlyDisabled,
            boolean readWriteDisabled,
            long fencedEpoch) {}

    /** One cluster in the template. */
    public record ClusterModel(
            String name, long epoch, String leader, int readWritePort, int readOnlyPort, List<ServerModel> servers) {}

    /** The configuration for {@code topologies} (cluster → its latest topology), each already checked. */
    public RenderedConfig render(Map<String, TopologyChanged> topologies, RenderSettings settings) {
        return render(topologies, settings, Map.of());
    }

    /**
     * The configuration for {@code topologies} with the fast failover's fences: {@code fenced} maps a
     * cluster to its fenced members and the {@code /detach} epoch of each; such a member is in maintenance
     * ({@code disabled}) in the read-write backend whatever the topology says, so neither a reload nor a
     * runtime update brings it back (config-renderer's DESIGN.md, "Fencing").
     */
    public RenderedConfig render(
            Map<String, TopologyChanged> topologies, RenderSettings settings, Map<String, Map<String, Long>> fenced) {
        List<ClusterModel> clusters = new ArrayList<>();
        SortedMap<ServerRef, AdminState> states = new TreeMap<>();
        SortedMap<String, Long> epochs = new TreeMap<>();
        SortedMap<String, String> leaders = new TreeMap<>();
        for (TopologyChanged topology : new TreeMap<>(topologies).values()) {
            ClusterPorts ports = settings.clusters().get(topology.cluster());
            if (ports == null) {
                throw new IllegalArgumentException("cluster " + topology.cluster() + " has no ports configured");
            }
            List<ServerModel> servers = new ArrayList<>();
            List<Member> members = new ArrayList<>(topology.members());
            members.sort(Comparator.comparing(Member::name));
            for (Member member : members) {
                TopologyCheck.AgentEndpoint agent = TopologyCheck.agentEndpoint(member)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "member " + member.name() + " has no usable api_url: check the topology first"));
                AdminState readOnly = readOnlyState(topology, member);
                Long fence = fenced.getOrDefault(topology.cluster(), Map.of()).get(member.name());
                servers.add(new ServerModel(
                        member.name(),
                        address(member.host(), member.port()),
                        agent.host(),
                        agent.port(),
                        checkSsl(agent, settings.agentCaFile()),
                        readOnly == AdminState.MAINT,
                        fence != null,
                        fence == null ? 0 : fence));
                states.put(
                        new ServerRef(readWriteBackend(topology.cluster()), member.name()),
                        fence != null ? AdminState.MAINT : AdminState.READY);
                states.put(new ServerRef(readOnlyBackend(topology.cluster()), member.name()), readOnly);
            }
            clusters.add(new ClusterModel(
                    topology.cluster(),
                    topology.epoch(),
                    topology.leader() == null ? "none" : topology.leader(),
                    ports.readWrite(),
                    ports.readOnly(),
                    servers));
            epochs.put(topology.cluster(), topology.epoch());
            if (topology.leader() != null) {
                leaders.put(topology.cluster(), topology.leader());
            }
        }
        return new RenderedConfig(
                render(clusters, settings, false), render(clusters, settings, true), states, epochs, leaders);
    }

    /**
     * The TLS part of a server's health check (pure): nothing for a plain {@code http} api_url; for
     * {@code https}, {@code check-ssl verify required ca-file <caFile>}, and when the agent is reached by
     * a host name also {@code check-sni} and {@code verifyhost} with that name. HAProxy 2.6 matches
     * {@code verifyhost} against DNS names and the common name only, never an IP address in the
     * certificate, so an agent reached by address gets its chain verified against {@code caFile} and no
     * name check (see config-renderer's DESIGN.md, "HTTPS health checks").
     */
    public static String checkSsl(TopologyCheck.AgentEndpoint agent, String caFile) {
        if (!agent.tls()) {
            return "";
        }
        String check = " check-ssl verify required ca-file " + caFile;
        return isIpAddress(agent.host()) ? check : check + " check-sni " + agent.host() + " verifyhost " + agent.host();
    }

    private static boolean isIpAddress(String host) {
        return host.contains(":") || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    /** The read-write backend of {@code cluster}. */
    public static String readWriteBackend(String cluster) {
        return cluster + "_rw";
    }

    /** The read-only backend of {@code cluster}. */
    public static String readOnlyBackend(String cluster) {
        return cluster + "_ro";
    }

    /**
     * Whether {@code member} takes read-only clients: replicas do, the leader and members tagged
     * {@code noloadbalance} do not. Its health check still has the last word.
     */
    static AdminState readOnlyState(TopologyChanged topology, Member member) {
        boolean leader = member.role() == MemberRole.LEADER || member.name().equals(topology.leader());
        boolean noLoadBalance = isTrue(member.tags().get("noloadbalance"));
        return leader || noLoadBalance ? AdminState.MAINT : AdminState.READY;
    }

    private String render(List<ClusterModel> clusters, RenderSettings settings, boolean structureOnly) {
        return template.data("s", settings)
                .data("clusters", clusters)
                .data("structureOnly", structureOnly)
                .data("hardStopAfter", duration(settings.hardStopAfter()))
                .data("connect", duration(settings.timeoutConnect()))
                .data("client", duration(settings.timeoutClient()))
                .data("server", duration(settings.timeoutServer()))
                .data("check", duration(settings.timeoutCheck()))
                .data("inter", duration(settings.inter()))
                .data("readOnlyInter", duration(settings.readOnlyInter()))
                .render();
    }

    /** A duration as HAProxy writes it: {@code 1s}, {@code 30m}, {@code 1500ms}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0 && millis > 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    private static String address(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean isTrue(Object tag) {
        return tag instanceof Boolean b ? b : tag != null && "true".equalsIgnoreCase(tag.toString());
    }

    private static String load() {
        try (InputStream in = HaproxyConfigRenderer.class.getClassLoader().getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("template " + TEMPLATE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read template " + TEMPLATE, e);
        }
    }
}
