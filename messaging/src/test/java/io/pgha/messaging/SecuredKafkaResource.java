package io.pgha.messaging;

import io.pgha.events.KafkaAcls;
import io.pgha.events.Producers;
import io.pgha.events.Topics;
import io.pgha.local.Certificates;
import io.pgha.local.KafkaBroker;
import io.pgha.local.Workspace;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Kafka broker in secured mode (SASL_SSL, SCRAM-SHA-512, ACLs from KafkaAcls) with the
 * contract's topics; the service under test logs in as alert-service (the kind its test consumer and
 * publisher act as) with a password file, its consumer group under that principal's prefix. Used
 * through {@link Profile} only, so the plaintext {@link KafkaResource} of the other ITs stays theirs.
 */
public class SecuredKafkaResource implements QuarkusTestResourceLifecycleManager {
    /** The principal of the service under test. */
    static final String PRINCIPAL = Producers.ALERT_SERVICE;

    /** The admin's password file, for the test's own clients. */
    static final String ADMIN_PASSWORD_FILE = "test.kafka.admin-password-file";

    private KafkaBroker kafka;
    private Workspace workspace;

    @Override
    public Map<String, String> start() {
        workspace = Workspace.temporary("messaging-kafka-secured");
        kafka = KafkaBroker.startSecured(workspace, Certificates.authorityIn(workspace.dir("tls")));
        kafka.createTopics(Topics.ALL);
        Map<String, String> config = new HashMap<>(kafka.serviceProperties(PRINCIPAL));
        config.put("mp.messaging.incoming.test-alerts.group.id", "pgha-alert-messaging-it");
        // A send the broker refuses is retried until delivery.timeout.ms (120 s by default) before the
        // publisher's caller hears of it: shortened so the test sees the refusal within its deadline.
        config.put("mp.messaging.outgoing.pgha-events.delivery.timeout.ms", "15000");
        config.put("mp.messaging.outgoing.pgha-events.request.timeout.ms", "5000");
        // For the test's own admin clients (writing a bad record, reading the dead-letter topic).
        config.put(ADMIN_PASSWORD_FILE, kafka.passwordFile(KafkaAcls.ADMIN).toString());
        return config;
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

    /** The profile of the secured ITs: this resource only, without the module's global (plaintext) ones. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SecuredKafkaResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }
}
