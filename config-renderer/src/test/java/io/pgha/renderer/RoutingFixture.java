package io.pgha.renderer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.core.HaproxySocket;
import io.pgha.events.CloudEventEnvelope;
import io.pgha.events.EventCodec;
import io.pgha.events.EventSource;
import io.pgha.events.Topics;
import io.pgha.events.TopologyEvent.Member;
import io.pgha.events.TopologyEvent.MemberRole;
import io.pgha.events.TopologyEvent.TopologyChanged;
import io.pgha.local.Haproxy;
import io.pgha.local.KafkaBroker;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.QuarkusService;
import io.pgha.renderer.render.ClusterPorts;
import io.pgha.renderer.render.HaproxyConfigRenderer;
import io.pgha.renderer.render.RenderSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One real setup for the renderer's ITs: Kafka with pgha.topology, stand-in agents, an HAProxy in
 * master-worker mode started with the renderer's own empty configuration, and the built renderer
 * beside it. Members are added by the test (real PostgreSQL or just an address).
 */
final class RoutingFixture {
    static final String CLUSTER = "main";

    private static final ObjectMapper JSON = new ObjectMapper();

    final LocalInfra infra;
    final KafkaBroker kafka;
    final Haproxy haproxy;
    final QuarkusService renderer;
    final int readWritePort = Ports.free();
    final int readOnlyPort = Ports.free();
    final int statsPort = Ports.free();
    final Path runtimeSocket;
    final Map<String, MemberEndpoint> members = new LinkedHashMap<>();

    private final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();
    /** Topology is published by the failover-coordinator kind (Producers); other sources are dead-lettered. */
    private final EventSource source = new EventSource("failover-coordinator", "renderer-it");

    /** A member as the topology names it, with its stand-in agent. */
    record MemberEndpoint(String name, String host, int port, StandInAgent agent) {}

    RoutingFixture(LocalInfra infra) {
        this(infra, Map.of());
    }

    /** With {@code extra} renderer properties (etcd, hard-stop-after, ...). */
    RoutingFixture(LocalInfra infra, Map<String, String> extra) {
        this.infra = infra;
        this.kafka = infra.kafka();
        createTopics(kafka.bootstrapServers());
        this.producer = infra.track(producer(kafka.bootstrapServers()));
        Path haproxyDir = infra.workspace().dir("haproxy");
        this.runtimeSocket = haproxyDir.resolve("runtime.sock");
        String empty = new HaproxyConfigRenderer()
                .render(Map.of(), settings(haproxyDir.resolve("server-state")))
                .text();
        this.haproxy = infra.haproxy(empty);
        this.renderer =
                infra.track(QuarkusService.builder(infra.workspace(), "config-renderer", QuarkusService.ownJar())
                        .properties(withExtra(rendererProperties(), extra))
                        .start());
    }

    private RenderSettings settings(Path stateFile) {
        return new RenderSettings(
                Ports.LOOPBACK,
                statsPort,
                runtimeSocket.toString(),
                stateFile.toString(),
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
                true,
                Map.of(CLUSTER, new ClusterPorts(readWritePort, readOnlyPort)));
    }

    private Map<String, String> rendererProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        properties.put("pgha.renderer.group-id", "renderer-it-" + UUID.randomUUID());
        properties.put("pgha.messaging.instance", "renderer-it");
        properties.put("pgha.renderer.haproxy.config-path", haproxy.config().toString());
        properties.put(
                "pgha.renderer.haproxy.master-socket", haproxy.masterSocket().toString());
        properties.put("pgha.renderer.haproxy.runtime-socket", runtimeSocket.toString());
        properties.put("pgha.renderer.stats-port", Integer.toString(statsPort));
        properties.put("pgha.renderer.clusters." + CLUSTER + ".read-write-port", Integer.toString(readWritePort));
        properties.put("pgha.renderer.clusters." + CLUSTER + ".read-only-port", Integer.toString(readOnlyPort));
        return properties;
    }

    private static Map<String, String> withExtra(Map<String, String> properties, Map<String, String> extra) {
        properties.putAll(extra);
        return properties;
    }

    /** Adds a member at {@code host:port} with a stand-in agent in {@code role}. */
    MemberEndpoint member(String name, String host, int port, StandInAgent.Role role) {
        MemberEndpoint member = new MemberEndpoint(name, host, port, infra.track(new StandInAgent(role)));
        members.put(name, member);
        return member;
    }

    /** The topology of {@code names} (in that order) with {@code leader} leading. */
    TopologyChanged topology(long epoch, String leader, List<String> names) {
        List<Member> list = new ArrayList<>();
        for (String name : names) {
            MemberEndpoint member = members.get(name);
            list.add(new Member(
                    name,
                    name.equals(leader) ? MemberRole.LEADER : MemberRole.REPLICA,
                    name.equals(leader) ? "running" : "streaming",
                    member.host(),
                    member.port(),
                    member.agent().apiUrl(),
                    1,
                    0L,
                    Map.of()));
        }
        return new TopologyChanged(CLUSTER, epoch, leader, list, List.of(), false, Instant.now());
    }

    /** Publishes {@code topology} on pgha.topology as a CloudEvent, as the coordinator would; returns once acknowledged. */
    void publish(TopologyChanged topology) {
        CloudEventEnvelope envelope = CloudEventEnvelope.of(topology, source, codec);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(envelope.topic(), envelope.key(), envelope.data());
        envelope.headers().forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + topology, e);
        }
    }

    /** {@code GET /api/v1/haproxy}. */
    JsonNode status() throws Exception {
        return JSON.readTree(renderer.get("/api/v1/haproxy").body());
    }

    /** The renderer's Prometheus metrics. */
    String metrics() throws Exception {
        return renderer.get("/q/metrics").body();
    }

    /** The configuration file as it is now. */
    String configFile() {
        try {
            return Files.readString(haproxy.config());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One command on HAProxy's runtime API. */
    String runtime(String command) {
        try {
            return HaproxySocket.send(runtimeSocket, command, Duration.ofSeconds(5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status column of {@code show stat} for {@code backend/server}, if HAProxy has that server. */
    Optional<String> serverStatus(String backend, String server) {
        for (String line : runtime("show stat").split("\n")) {
            String[] fields = line.split(",", -1);
            if (fields.length > 17 && fields[0].equals(backend) && fields[1].equals(server)) {
                return Optional.of(fields[17]);
            }
        }
        return Optional.empty();
    }

    /** The master's reload count ({@code show proc}). */
    int masterReloads() {
        return haproxy.masterReloads();
    }

    private static void createTopics(String bootstrap) {
        KafkaBroker.createTopics(bootstrap, List.of(Topics.TOPOLOGY));
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props);
    }
}
