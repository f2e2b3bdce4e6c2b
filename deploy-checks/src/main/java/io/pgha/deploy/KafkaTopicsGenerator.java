package io.pgha.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strimzi {@code KafkaTopic} resources from the AsyncAPI document (pure): one per channel, named after its
 * address, with the channel's Kafka binding ({@code partitions}, {@code replicas}, {@code topicConfiguration})
 * and, where the binding is silent, the defaults below. The AsyncAPI document is the one source of truth;
 * {@code deploy/k8s/base/kafka/topics.yaml} is this class's output, checked by a test.
 *
 * <p>Run {@code java -cp deploy-checks/target/classes:<jackson jars> io.pgha.deploy.KafkaTopicsGenerator
 * <repository root>} (or the test's hint) to regenerate it after changing the AsyncAPI document.
 */
public final class KafkaTopicsGenerator {
    /** Where the AsyncAPI document lives, relative to the repository root. */
    public static final String ASYNCAPI = "events/src/main/resources/asyncapi.yaml";

    /** Where the generated KafkaTopics go, relative to the repository root. */
    public static final String TOPICS = "deploy/k8s/base/kafka/topics.yaml";

    /** The Strimzi Kafka the topics belong to (label {@code strimzi.io/cluster}). */
    public static final String KAFKA_CLUSTER = "pgha";

    /** Partitions of an event topic when its binding names none: keys are clusters, so this bounds the
     * consumers (health-monitor replicas) that can share the work. */
    static final int DEFAULT_PARTITIONS = 12;

    /** Partitions of a dead-letter topic ({@code .dlq}) when its binding names none. */
    static final int DEFAULT_DLQ_PARTITIONS = 1;

    /** Replicas of every topic when its binding names none (3 brokers; with min.insync.replicas 2). */
    static final int DEFAULT_REPLICAS = 3;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private KafkaTopicsGenerator() {}

    /** One topic as the AsyncAPI document describes it. */
    public record Topic(String name, int partitions, int replicas, Map<String, String> config) {}

    /** The topics of the AsyncAPI document's channels, in the document's order. */
    public static List<Topic> topics(String asyncApiYaml) {
        JsonNode root;
        try {
            root = YAML.readTree(asyncApiYaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("the AsyncAPI document is not YAML: " + e.getMessage(), e);
        }
        JsonNode channels = root.path("channels");
        if (!channels.isObject() || channels.isEmpty()) {
            throw new IllegalArgumentException("the AsyncAPI document has no channels");
        }
        List<Topic> topics = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = channels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> channel = it.next();
            String address = channel.getValue().path("address").asText("");
            if (address.isEmpty()) {
                throw new IllegalArgumentException("channel " + channel.getKey() + " has no address");
            }
            JsonNode kafka = channel.getValue().path("bindings").path("kafka");
            String topicName = kafka.path("topic").asText(address);
            if (!topicName.equals(address)) {
                throw new IllegalArgumentException("channel " + channel.getKey() + ": the Kafka binding's topic "
                        + topicName + " differs from the address " + address);
            }
            boolean dlq = address.endsWith(".dlq");
            int partitions = kafka.path("partitions").asInt(dlq ? DEFAULT_DLQ_PARTITIONS : DEFAULT_PARTITIONS);
            int replicas = kafka.path("replicas").asInt(DEFAULT_REPLICAS);
            Map<String, String> config = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> c =
                            kafka.path("topicConfiguration").fields();
                    c.hasNext(); ) {
                Map.Entry<String, JsonNode> e = c.next();
                config.put(e.getKey(), value(e.getValue()));
            }
            topics.add(new Topic(address, partitions, replicas, config));
        }
        return topics;
    }

    /** A binding value as Kafka's config expects it: lists joined with commas (cleanup.policy). */
    private static String value(JsonNode node) {
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(n -> parts.add(n.asText()));
            return String.join(",", parts);
        }
        return node.asText();
    }

    /** The KafkaTopic resources, as the YAML file committed in {@link #TOPICS}. */
    public static String render(List<Topic> topics) {
        StringBuilder out = new StringBuilder();
        out.append("# GENERATED by io.pgha.deploy.KafkaTopicsGenerator from ")
                .append(ASYNCAPI)
                .append(": do not edit.\n")
                .append("# Change the AsyncAPI document's Kafka bindings instead, then regenerate"
                        + " (KafkaTopicsGeneratorTest says how).\n");
        for (Topic t : topics) {
            out.append("---\n")
                    .append("apiVersion: kafka.strimzi.io/v1beta2\n")
                    .append("kind: KafkaTopic\n")
                    .append("metadata:\n")
                    .append("  name: ")
                    .append(t.name())
                    .append('\n')
                    .append("  labels:\n")
                    .append("    strimzi.io/cluster: ")
                    .append(KAFKA_CLUSTER)
                    .append('\n')
                    .append("spec:\n")
                    .append("  topicName: ")
                    .append(t.name())
                    .append('\n')
                    .append("  partitions: ")
                    .append(t.partitions())
                    .append('\n')
                    .append("  replicas: ")
                    .append(t.replicas())
                    .append('\n')
                    .append("  config:\n");
            Map<String, String> config = new TreeMap<>(t.config());
            config.putIfAbsent("min.insync.replicas", Integer.toString(Math.min(2, t.replicas())));
            config.forEach((k, v) ->
                    out.append("    ").append(k).append(": \"").append(v).append("\"\n"));
        }
        return out.toString();
    }

    /** The file's content for the repository at {@code root}. */
    public static String generate(Path root) {
        try {
            return render(topics(Files.readString(root.resolve(ASYNCAPI))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root.resolve(ASYNCAPI), e);
        }
    }

    /** Writes {@link #TOPICS} under the repository root given as the only argument (default: .). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Files.writeString(root.resolve(TOPICS), generate(root));
        System.out.println("wrote " + root.resolve(TOPICS));
    }
}
