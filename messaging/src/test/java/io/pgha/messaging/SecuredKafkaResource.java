package io.pgha.messaging;

import io.pgha.events.Producers;
import io.pgha.events.Topics;
import io.pgha.local.Certificates;
import io.pgha.local.KafkaBroker;
import io.pgha.local.Workspace;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Kafka broker in secured mode (SASL_SSL, SCRAM-SHA-512, ACLs from KafkaAcls) with the
 * contract's topics; the service under test logs in as alert-service (the kind its test consumer and
 * publisher act as) with a password file, its consumer group under that principal's prefix.
 */
public class SecuredKafkaResource implements QuarkusTestResourceLifecycleManager {
    /** The principal of the service under test. */
    static final String PRINCIPAL = Producers.ALERT_SERVICE;

    static KafkaBroker kafka;
    private Workspace workspace;

    @Override
    public Map<String, String> start() {
        workspace = Workspace.temporary("messaging-kafka-secured");
        kafka = KafkaBroker.startSecured(workspace, Certificates.authorityIn(workspace.dir("tls")));
        kafka.createTopics(Topics.ALL);
        Map<String, String> config = new HashMap<>(kafka.serviceProperties(PRINCIPAL));
        config.put("mp.messaging.incoming.test-alerts.group.id", "pgha-alert-messaging-it");
        return config;
    }

    @Override
    public void stop() {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            kafka = null;
            if (workspace != null) {
                workspace.close();
            }
        }
    }
}
