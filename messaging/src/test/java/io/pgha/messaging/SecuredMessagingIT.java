package io.pgha.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgha.events.AlertEvent.AlertFired;
import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.EventExamples;
import io.pgha.events.KafkaAcls;
import io.pgha.events.PghaEvent;
import io.pgha.events.TopologyEvent;
import io.pgha.local.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The SmallRye wiring against a secured broker: with only {@code kafka.security.protocol},
 * {@code kafka.sasl.mechanism}, {@code kafka.ssl.truststore.*}, {@code pgha.kafka.username} and
 * {@code pgha.kafka.password-file} set, the service's publisher, its consumer and its dead-letter
 * producer all log in as alert-service; the broker's ACLs hold for them too (alert-service may not
 * publish pgha.topology).
 */
@QuarkusTest
@TestProfile(SecuredKafkaResource.Profile.class)
class SecuredMessagingIT {
    private static final String CLUSTER = "secured-it";

    @Inject
    EventPublisher publisher;

    @Inject
    RecordingConsumer consumer;

    @ConfigProperty(name = "kafka.sasl.jaas.config")
    String jaas;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "kafka.ssl.truststore.location")
    String truststore;

    @ConfigProperty(name = SecuredKafkaResource.ADMIN_PASSWORD_FILE)
    String adminPasswordFile;

    @Test
    void publisherConsumerAndDeadLetterProducerLogInAndTheAclsHold() throws Exception {
        assertThat(jaas).contains("username=\"alert-service\"");
        Map<String, Object> adminClient = adminClient();

        // A record it cannot parse, written by an admin client, must be dead-lettered by the service.
        Map<String, Object> admin = new HashMap<>(adminClient);
        admin.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        admin.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(admin)) {
            ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(
                    "pgha.alerts", CLUSTER + "/Garbage", "not json".getBytes(StandardCharsets.UTF_8));
            garbage.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            garbage.headers().add("ce_id", "garbage-1".getBytes(StandardCharsets.UTF_8));
            garbage.headers().add("ce_source", "/pgha/alert-service/x".getBytes(StandardCharsets.UTF_8));
            garbage.headers().add("ce_type", "io.pgha.alert-fired.v1".getBytes(StandardCharsets.UTF_8));
            producer.send(garbage).get(30, TimeUnit.SECONDS);
        }
        Instant now = Instant.parse("2025-05-01T10:00:00Z");
        AlertFired valid = new AlertFired(
                CLUSTER, "Valid", "f-1", "pg-0", Severity.CRITICAL, "valid", Map.of(), Map.of(), now, now);
        publisher.publish(valid).toCompletableFuture().get(30, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> consumer.handled().stream()
                        .filter(e -> e.cluster().equals(CLUSTER))
                        .toList()
                        .contains(valid));
        List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    dead.clear();
                    dead.addAll(KafkaBroker.readToEnd(adminClient, "pgha.alerts.dlq"));
                    return !dead.isEmpty();
                });
        assertThat(dead).extracting(ConsumerRecord::key).containsExactly(CLUSTER + "/Garbage");

        // The same service may not publish what only a coordinator publishes.
        PghaEvent topology = EventExamples.all().stream()
                .filter(e -> e instanceof TopologyEvent)
                .findFirst()
                .orElseThrow();
        assertThatThrownBy(
                        () -> publisher.publish(topology).toCompletableFuture().get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(KafkaBroker.readToEnd(adminClient, "pgha.topology")).isEmpty();
    }

    /** Client settings of the broker's admin (the test's own clients only; the service is alert-service). */
    private Map<String, Object> adminClient() throws Exception {
        String password = Files.readString(Path.of(adminPasswordFile)).trim();
        return Map.of(
                "bootstrap.servers",
                bootstrap,
                "security.protocol",
                "SASL_SSL",
                "sasl.mechanism",
                "SCRAM-SHA-512",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + KafkaAcls.ADMIN
                        + "\" password=\"" + password + "\";",
                "ssl.truststore.type",
                "PEM",
                "ssl.truststore.location",
                truststore);
    }
}
