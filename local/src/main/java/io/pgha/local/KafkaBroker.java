package io.pgha.local;

import io.pgha.events.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A real Kafka broker in KRaft mode (one combined broker + controller node) in its own JVM, started
 * from the {@code org.apache.kafka:kafka_2.13} jars that the {@code kafka-dist} module copies into
 * {@code kafka-dist/target/kafka-libs}. It can be stopped and started again with its data kept.
 */
public final class KafkaBroker implements AutoCloseable {
    /** System property (or env {@code PGHA_KAFKA_LIBS}) naming the folder with the broker's jars. */
    public static final String LIBS_PROPERTY = "pgha.kafka.libs";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Workspace workspace;
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private LocalProcess process;

    private KafkaBroker(Workspace workspace, Path dir, int port, int controllerPort) {
        this.workspace = workspace;
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats storage (first time only), starts the broker on free ports and waits until it serves. */
    public static KafkaBroker start(Workspace workspace) {
        return start(workspace, Ports.free(), Ports.free());
    }

    /** Like {@link #start(Workspace)} on fixed ports (for {@code ./pgha up}). */
    public static KafkaBroker start(Workspace workspace, int port, int controllerPort) {
        KafkaBroker broker = new KafkaBroker(workspace, workspace.dir("kafka"), port, controllerPort);
        broker.start();
        return broker;
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    public LocalProcess process() {
        return process;
    }

    /** Starts the broker again (after {@link #stop()} or a kill), keeping its data. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the Kafka broker is already running");
        }
        Path libs = libsDir();
        Path config = writeConfig();
        Path data = dir.resolve("data");
        if (!Files.exists(data.resolve("meta.properties"))) {
            List<String> format = java(libs, "kafka.tools.StorageTool", dir);
            format.addAll(List.of(
                    "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"));
            Commands.run(format, Duration.ofSeconds(120)).orThrow();
        }
        List<String> command = java(libs, "kafka.Kafka", dir);
        command.add(config.toString());
        process = LocalProcess.start("kafka", command, dir, workspace.log("kafka"), Map.of(), workspace.persistent());
        try {
            Wait.until(READY_TIMEOUT, "Kafka broker serving at " + bootstrapServers(), this::serving, process::isAlive);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\n--- kafka log ---\n" + process.logTail(40), e);
        }
    }

    /** True when an admin client sees this broker in the cluster. */
    public boolean serving() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Creates {@code topics} with one partition each (a compacted topic as compacted) and their
     * dead-letter topics; a topic that exists already is left as it is.
     */
    public static void createTopics(String bootstrapServers, Collection<Topic> topics) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        List<NewTopic> wanted = new ArrayList<>();
        for (Topic topic : topics) {
            wanted.add(new NewTopic(topic.name(), Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", topic.cleanupPolicy().kafkaValue())));
            wanted.add(new NewTopic(topic.deadLetterTopic(), Optional.of(1), Optional.empty()));
        }
        try (Admin admin = Admin.create(props)) {
            for (var result : admin.createTopics(wanted).values().entrySet()) {
                try {
                    result.getValue().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "could not create topic " + result.getKey() + " on " + bootstrapServers + ": "
                                        + e.getCause(),
                                e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topics on " + bootstrapServers + " took more than 60 s", e);
        }
    }

    /**
     * A consumer of {@code topics} on {@code bootstrapServers}, assigned every partition and placed at
     * its beginning (no group, nothing committed): how tests and tools read a topic whole.
     */
    public static KafkaConsumer<String, byte[]> fromBeginning(String bootstrapServers, Collection<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /**
     * Every record of {@code topic} on the broker at {@code bootstrapServers}, from its start to its
     * end as of this call; fails when that end is not reached within 30 s.
     */
    public static List<ConsumerRecord<String, byte[]>> readToEnd(String bootstrapServers, String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromBeginning(bootstrapServers, List.of(topic))) {
            Set<TopicPartition> partitions = consumer.assignment();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Wait.until(Duration.ofSeconds(30), "read " + topic + " to its end " + end, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return records;
    }

    /** Orderly stop (SIGTERM); the data stays. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Signal.TERM, Duration.ofSeconds(30));
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The broker's jars: {@value #LIBS_PROPERTY}, {@code PGHA_KAFKA_LIBS}, or found above the working dir. */
    public static Path libsDir() {
        String configured = System.getProperty(LIBS_PROPERTY, System.getenv("PGHA_KAFKA_LIBS"));
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            candidates.add(dir.resolve("kafka-dist/target/kafka-libs"));
        }
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate) && hasBrokerJar(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("the Kafka broker's jars were not found (looked in " + candidates.get(0)
                + " and kafka-dist/target/kafka-libs above " + Path.of("").toAbsolutePath()
                + "): build them with './mvnw -pl kafka-dist package' or set -D" + LIBS_PROPERTY);
    }

    private static boolean hasBrokerJar(Path dir) {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> java(Path libs, String mainClass, Path dir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        command.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"));
        command.add("-cp");
        command.add(libs.toAbsolutePath() + "/*");
        command.add(mainClass);
        return command;
    }

    private Path writeConfig() {
        Path config = dir.resolve("server.properties");
        Path log4j = dir.resolve("log4j2.properties");
        String properties = String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + Ports.LOOPBACK + ":" + controllerPort,
                "listeners=PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":"
                        + controllerPort,
                "advertised.listeners=PLAINTEXT://" + Ports.LOOPBACK + ":" + port,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.hours=24",
                "");
        String logging = String.join(
                "\n",
                "status = warn",
                "appender.console.type = Console",
                "appender.console.name = STDOUT",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.stdout.ref = STDOUT",
                "logger.kafka.name = kafka",
                "logger.kafka.level = info",
                "logger.kafkaorg.name = org.apache.kafka",
                "logger.kafkaorg.level = warn",
                "");
        try {
            Files.writeString(config, properties);
            Files.writeString(log4j, logging);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + config, e);
        }
    }
}
