package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaTopicsGeneratorTest {
    private static final String REGENERATE = "pgha.deploy.regenerate";

    @Test
    void committedTopicsAreWhatTheAsyncApiDocumentGives() throws Exception {
        Path root = Repo.root();
        String expected = KafkaTopicsGenerator.generate(root);
        Path committed = root.resolve(KafkaTopicsGenerator.TOPICS);
        if (Boolean.getBoolean(REGENERATE)) {
            Files.writeString(committed, expected);
        }
        assertThat(Files.readString(committed))
                .as(KafkaTopicsGenerator.TOPICS + " differs from what " + KafkaTopicsGenerator.ASYNCAPI
                        + " gives; regenerate it: ./mvnw -o -pl deploy-checks test -Dtest=KafkaTopicsGeneratorTest -D"
                        + REGENERATE + "=true")
                .isEqualTo(expected);
    }

    @Test
    void everyChannelOfTheContractBecomesATopicWithItsCleanupPolicy() throws Exception {
        List<KafkaTopicsGenerator.Topic> topics =
                KafkaTopicsGenerator.topics(Files.readString(Repo.root().resolve(KafkaTopicsGenerator.ASYNCAPI)));
        assertThat(topics)
                .extracting(KafkaTopicsGenerator.Topic::name)
                .contains(
                        "pgha.node-health",
                        "pgha.election",
                        "pgha.topology",
                        "pgha.backup",
                        "pgha.alerts",
                        "pgha.node-health.dlq",
                        "pgha.election.dlq",
                        "pgha.topology.dlq",
                        "pgha.backup.dlq",
                        "pgha.alerts.dlq");
        assertThat(topics)
                .filteredOn(t -> t.name().equals("pgha.topology"))
                .singleElement()
                .satisfies(t -> assertThat(t.config()).containsEntry("cleanup.policy", "compact"));
        assertThat(topics).filteredOn(t -> t.name().endsWith(".dlq")).allSatisfy(t -> assertThat(t.partitions())
                .isEqualTo(KafkaTopicsGenerator.DEFAULT_DLQ_PARTITIONS));
    }

    @Test
    void bindingValuesWinOverDefaults() {
        String doc =
                """
                channels:
                  a:
                    address: x.a
                    bindings:
                      kafka:
                        topic: x.a
                        partitions: 3
                        replicas: 1
                        topicConfiguration:
                          cleanup.policy: [compact, delete]
                          retention.ms: 604800000
                  b:
                    address: x.a.dlq
                """;
        List<KafkaTopicsGenerator.Topic> topics = KafkaTopicsGenerator.topics(doc);
        assertThat(topics)
                .containsExactly(
                        new KafkaTopicsGenerator.Topic(
                                "x.a", 3, 1, Map.of("cleanup.policy", "compact,delete", "retention.ms", "604800000")),
                        new KafkaTopicsGenerator.Topic("x.a.dlq", 1, 3, Map.of()));
        assertThat(KafkaTopicsGenerator.render(topics))
                .contains(
                        "  name: x.a\n",
                        "    cleanup.policy: \"compact,delete\"\n",
                        "    min.insync.replicas: \"1\"\n");
    }

    @Test
    void aBindingWhoseTopicDiffersFromTheAddressIsRefused() {
        String doc = "channels:\n  a:\n    address: x.a\n    bindings:\n      kafka:\n        topic: x.b\n";
        assertThatThrownBy(() -> KafkaTopicsGenerator.topics(doc))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x.b")
                .hasMessageContaining("x.a");
    }
}
