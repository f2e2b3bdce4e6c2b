package io.pgha.local;

import io.pgha.events.KafkaAcls;
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
 *
 * <p>Plaintext by default. {@link #startSecured} runs it secured instead (see {@link KafkaSecurity}):
 * SASL_SSL with SCRAM-SHA-512 on the client listener, TLS certificates from {@link Certificates},
 * {@code StandardAuthorizer}, a SCRAM user per pgha service (password files, mode 600) and the ACLs
 * of {@link KafkaAcls}; {@link #clientProperties(String)} says how to connect as a principal.
 */
public final class KafkaBroker implements AutoCloseable {
    /** System property (or env {@code PGHA_KAFKA_LIBS}) naming the folder with the broker's jars. */
    public static final String LIBS_PROPERTY = "pgha.kafka.libs";

    /**
     * How long a (re)start may take to serve. Beside a CPU soak on 2 cores (load 15-20) a restart took
     * about a minute to listen (ChaosIT, 2026-12-05), and 90 s was not enough for it and the checks.
     */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    /**
     * One readiness check's bound (connection, TLS, SASL and the answer): at load 15-20 a 2 s bound may
     * never be met even by a broker that serves.
     */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    private final Workspace workspace;
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final KafkaSecurity security;
    private LocalProcess process;

    private KafkaBroker(Workspace workspace, Path dir, int port, int controllerPort, KafkaSecurity security) {
        this.workspace = workspace;
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.security = security;
    }

    /** Formats storage (first time only), starts the broker on free ports and waits until it serves. */
    public static KafkaBroker start(Workspace workspace) {
        return start(workspace, Ports.free(), Ports.free());
    }

    /** Like {@link #start(Workspace)} on fixed ports (for {@code ./pgha up}). */
    public static KafkaBroker start(Workspace workspace, int port, int controllerPort) {
        KafkaBroker broker = new KafkaBroker(workspace, workspace.dir("kafka"), port, controllerPort, null);
        broker.start();
        return broker;
    }

    /**
     * Like {@link #start(Workspace)}, secured: SASL_SSL (SCRAM-SHA-512) with a certificate issued by
     * {@code ca}, the StandardAuthorizer, a SCRAM user per pgha service and {@link KafkaAcls#forServices()}.
     */
    public static KafkaBroker startSecured(Workspace workspace, Certificates ca) {
        return startSecured(workspace, ca, Ports.free(), Ports.free());
    }

    /** Like {@link #startSecured(Workspace, Certificates)} on fixed ports (for {@code ./pgha up}). */
    public static KafkaBroker startSecured(Workspace workspace, Certificates ca, int port, int controllerPort) {
        Path dir = workspace.dir("kafka");
        KafkaBroker broker = new KafkaBroker(workspace, dir, port, controllerPort, KafkaSecurity.in(dir, ca));
        broker.start();
        return broker;
    }

    /** True when this broker runs secured ({@link #startSecured}). */
    public boolean secured() {
        return security != null;
    }

    /**
     * Kafka client settings (for {@code new KafkaProducer(...)} or {@code Admin.create(...)}) to connect
     * as {@code principal}, a SCRAM user name ({@value KafkaAcls#ADMIN}, a service kind, or a read-only
     * principal): bootstrap servers, and when secured SASL_SSL with its password and the CA to trust.
     * Plaintext: the bootstrap servers only, whatever the principal.
     */
    public Map<String, Object> clientProperties(String principal) {
        Map<String, Object> props = new java.util.LinkedHashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (security != null) {
            props.putAll(security.clientProperties(principal));
        }
        return props;
    }

    /**
     * Quarkus settings for a pgha service connecting as {@code principal}: {@code kafka.bootstrap.servers}
     * and, when secured, {@code kafka.security.protocol}, {@code kafka.sasl.mechanism},
     * {@code kafka.ssl.truststore.*}, {@code pgha.kafka.username} and {@code pgha.kafka.password-file}.
     */
    public Map<String, String> serviceProperties(String principal) {
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrapServers());
        if (security != null) {
            props.putAll(security.serviceProperties(principal));
        }
        return props;
    }

    /** The file (mode 600) holding {@code principal}'s SCRAM password. */
    public Path passwordFile(String principal) {
        return requireSecured().passwordFile(principal);
    }

    /** The CA certificate (PEM) a client of the secured listener trusts. */
    public Path truststore() {
        return requireSecured().truststore();
    }

    /**
     * Adds a read-only principal for another team ({@link KafkaAcls#readOnly}): its SCRAM user (random
     * password in {@link #passwordFile}) and its ACLs.
     */
    public void addReadOnlyPrincipal(String name) {
        List<KafkaAcls.Binding> bindings = KafkaAcls.readOnly(name);
        try (Admin admin = Admin.create(clientProperties(KafkaAcls.ADMIN))) {
            requireSecured().upsertUsers(admin, List.of(name));
            KafkaSecurity.apply(admin, bindings);
        } catch (Exception e) {
            throw new IllegalStateException("could not add the read-only principal " + name + ": " + e, e);
        }
        awaitAuthenticates(name);
    }

    /** Creates {@code topics} and their dead-letter topics on this broker (as the admin when secured). */
    public void createTopics(Collection<Topic> topics) {
        createTopics(clientProperties(KafkaAcls.ADMIN), topics);
    }

    private KafkaSecurity requireSecured() {
        if (security == null) {
            throw new IllegalStateException("the Kafka broker runs in plaintext: start it with startSecured");
        }
        return security;
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
            if (security == null) {
                Commands.run(format, Duration.ofSeconds(120)).orThrow();
            } else {
                formatWithArgumentFile(format);
            }
        }
        List<String> command = java(libs, "kafka.Kafka", dir);
        command.add(config.toString());
        process = LocalProcess.start("kafka", command, dir, workspace.log("kafka"), Map.of(), workspace.persistent());
        try {
            Wait.until(
                    READY_TIMEOUT,
                    "Kafka broker serving at " + bootstrapServers(),
                    () -> describesCluster(KafkaAcls.ADMIN),
                    process::isAlive);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\n--- kafka log ---\n" + process.logTail(40), e);
        }
        if (security != null) {
            applySecurity();
        }
    }

    /**
     * Runs StorageTool format with its arguments (the admin's SCRAM password among them) in a mode-600
     * argument file ({@code java @file}), deleted afterwards: no password on a command line.
     */
    private void formatWithArgumentFile(List<String> format) {
        List<String> arguments = new ArrayList<>(format.subList(1, format.size()));
        arguments.addAll(security.formatArguments());
        Path file = dir.resolve("format.args");
        StringBuilder text = new StringBuilder();
        for (String argument : arguments) {
            if (argument.contains("\"") || argument.contains("\\") || argument.contains("\n")) {
                throw new IllegalArgumentException("cannot pass " + argument + " in a java argument file");
            }
            text.append('"').append(argument).append('"').append('\n');
        }
        KafkaSecurity.writePrivate(file, text.toString());
        try {
            Commands.run(List.of(format.get(0), "@" + file), Duration.ofSeconds(120))
                    .orThrow();
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + file, e);
            }
        }
    }

    /** Secured: a SCRAM user per pgha service and the ACLs of {@link KafkaAcls#forServices()}, as the admin. */
    private void applySecurity() {
        List<String> services = KafkaAcls.services();
        try (Admin admin = Admin.create(clientProperties(KafkaAcls.ADMIN))) {
            security.upsertUsers(admin, services);
            KafkaSecurity.apply(admin, KafkaAcls.forServices());
        } catch (Exception e) {
            throw new IllegalStateException(
                    "could not create the Kafka users and ACLs of pgha's services: " + e + "\n--- kafka log ---\n"
                            + process.logTail(40),
                    e);
        }
        services.forEach(this::awaitAuthenticates);
    }

    /** Waits until {@code principal} can log in (its credential has reached the broker's metadata). */
    private void awaitAuthenticates(String principal) {
        Wait.until(READY_TIMEOUT, "Kafka principal " + principal + " authenticates", () -> describesCluster(principal));
    }

    /** True when an admin client sees this broker in the cluster. */
    public boolean serving() {
        try {
            return describesCluster(KafkaAcls.ADMIN);
        } catch (Exception e) {
            return false;
        }
    }

    /** True when {@code principal} gets the cluster's brokers within {@link #CHECK_TIMEOUT}; throws why not. */
    private boolean describesCluster(String principal) throws Exception {
        Properties props = new Properties();
        props.putAll(clientProperties(principal));
        int millis = (int) CHECK_TIMEOUT.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster()
                    .nodes()
                    .get(millis + 1000, TimeUnit.MILLISECONDS)
                    .isEmpty();
        }
    }

    /**
     * Creates {@code topics} with one partition each (a compacted topic as compacted) and their
     * dead-letter topics; a topic that exists already is left as it is.
     */
    public static void createTopics(String bootstrapServers, Collection<Topic> topics) {
        createTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /** Like {@link #createTopics(String, Collection)} with these client settings (e.g. {@link #clientProperties}). */
    public static void createTopics(Map<String, Object> clientProperties, Collection<Topic> topics) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        String bootstrapServers = String.valueOf(clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
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
        return fromBeginning(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /** Like {@link #fromBeginning(String, Collection)} with these client settings. */
    public static KafkaConsumer<String, byte[]> fromBeginning(
            Map<String, Object> clientProperties, Collection<String> topics) {
        Properties props = new Properties();
        props.putAll(clientProperties);
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
        return readToEnd(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /** Like {@link #readToEnd(String, String)} with these client settings. */
    public static List<ConsumerRecord<String, byte[]>> readToEnd(Map<String, Object> clientProperties, String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromBeginning(clientProperties, List.of(topic))) {
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
        List<String> listeners = security != null
                ? security.serverProperties(port, controllerPort)
                : List.of(
                        "listeners=PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":"
                                + controllerPort,
                        "advertised.listeners=PLAINTEXT://" + Ports.LOOPBACK + ":" + port,
                        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "inter.broker.listener.name=PLAINTEXT");
        String properties = String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + Ports.LOOPBACK + ":" + controllerPort,
                String.join("\n", listeners),
                "controller.listener.names=CONTROLLER",
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
            // Secured, it holds the admin's password (the inter-broker login): owner only.
            KafkaSecurity.writePrivate(config, properties);
            Files.writeString(log4j, logging);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + config, e);
        }
    }
}
