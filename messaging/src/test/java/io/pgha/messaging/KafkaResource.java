package io.pgha.messaging;

import io.pgha.events.Topic;
import io.pgha.events.Topics;
import io.pgha.local.KafkaBroker;
import io.pgha.local.Workspace;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real Kafka broker (from {@code local/}) for the {@code @QuarkusTest}s, with the contract's topics
 * and their dead-letter topics created up front, as a deployment would.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private Workspace workspace;
    private KafkaBroker kafka;

    @Override
    public Map<String, String> start() {
        workspace = Workspace.temporary("messaging-kafka");
        kafka = KafkaBroker.start(workspace);
        createTopics(kafka.bootstrapServers());
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            if (workspace != null) {
                workspace.close();
            }
        }
    }

    private static void createTopics(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<NewTopic> topics = new ArrayList<>();
        for (Topic topic : Topics.ALL) {
            topics.add(new NewTopic(topic.name(), Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", topic.cleanupPolicy().kafkaValue())));
            topics.add(new NewTopic(topic.deadLetterTopic(), Optional.of(1), Optional.empty()));
        }
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the pgha topics on " + bootstrap + ": " + e, e);
        }
    }
}
