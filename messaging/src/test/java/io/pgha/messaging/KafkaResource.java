package io.pgha.messaging;

import io.pgha.events.Topics;
import io.pgha.local.KafkaBroker;
import io.pgha.local.Workspace;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

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
        KafkaBroker.createTopics(bootstrap, Topics.ALL);
    }
}
