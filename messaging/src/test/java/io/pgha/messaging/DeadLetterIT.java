package io.pgha.messaging;

import static io.pgha.messaging.PublishedRecordsIT.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.events.AlertEvent.AlertFired;
import io.pgha.events.AlertEvent.Severity;
import io.pgha.events.EventCodec;
import io.pgha.events.PghaEvent;
import io.pgha.local.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Garbage, then an incomplete event, then a type from the future, then a valid event on a consumed
 * topic: the first two land in {@code pgha.alerts.dlq} unchanged with their reason and original
 * headers, the third is skipped, the valid one is handled, and nothing else goes anywhere.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class DeadLetterIT {
    private static final String CLUSTER = "dlq-it";
    private static final byte[] GARBAGE = {0, 1, 2, (byte) 0xff, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'};

    @Inject
    EventPublisher publisher;

    @Inject
    RecordingConsumer consumer;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void unparseableRecordsGoToTheDeadLetterTopicAndTheConsumerCarriesOn() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, CLUSTER + "/Garbage", GARBAGE, "garbage-1", "io.pgha.alert-fired.v1");
            send(
                    producer,
                    CLUSTER + "/Incomplete",
                    ("{\"cluster\":\"" + CLUSTER + "\",\"alert\":\"Incomplete\"}").getBytes(StandardCharsets.UTF_8),
                    "incomplete-1",
                    "io.pgha.alert-fired.v1");
            send(
                    producer,
                    CLUSTER + "/Future",
                    "{\"cluster\":\"dlq-it\"}".getBytes(StandardCharsets.UTF_8),
                    "future-1",
                    "io.pgha.alert-escalated.v1");
        }
        Instant now = Instant.parse("2025-05-01T10:00:00Z");
        AlertFired forged = new AlertFired(
                CLUSTER, "Forged", "f-0", "pg-0", Severity.CRITICAL, "forged", Map.of(), Map.of(), now, now);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(
                    producer,
                    CLUSTER + "/Forged",
                    new EventCodec().encode(forged),
                    "forged-1",
                    "io.pgha.alert-fired.v1",
                    "/pgha/health-monitor/hm-0");
        }
        AlertFired valid = new AlertFired(
                CLUSTER, "Valid", "f-1", "pg-0", Severity.CRITICAL, "valid", Map.of(), Map.of(), now, now);
        publisher.publish(valid).toCompletableFuture().get(30, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> handledOf(CLUSTER).contains(valid));
        List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    dead.clear();
                    dead.addAll(KafkaBroker.readToEnd(bootstrap, "pgha.alerts.dlq"));
                    return dead.size() >= 3;
                });

        assertThat(handledOf(CLUSTER)).containsExactly(valid);
        assertThat(dead).hasSize(3);

        ConsumerRecord<String, byte[]> garbage = dead.get(0);
        assertThat(garbage.key()).isEqualTo(CLUSTER + "/Garbage");
        assertThat(garbage.value()).isEqualTo(GARBAGE);
        assertThat(header(garbage, "dead-letter-reason"))
                .startsWith("cannot parse the body of an io.pgha.alert-fired.v1 record")
                .contains("line 1, column");
        assertThat(header(garbage, "dead-letter-topic")).isEqualTo("pgha.alerts");
        assertThat(header(garbage, "dead-letter-partition")).isEqualTo("0");
        assertThat(header(garbage, "dead-letter-offset")).isNotBlank();
        assertThat(header(garbage, "ce_id")).isEqualTo("garbage-1");
        assertThat(header(garbage, "ce_type")).isEqualTo("io.pgha.alert-fired.v1");
        assertThat(header(garbage, "trace-id")).isEqualTo("trace-garbage-1");

        ConsumerRecord<String, byte[]> incomplete = dead.get(1);
        assertThat(incomplete.key()).isEqualTo(CLUSTER + "/Incomplete");
        assertThat(header(incomplete, "dead-letter-reason"))
                .startsWith("cannot parse the body of an io.pgha.alert-fired.v1 record")
                .contains("fingerprint is missing");
        assertThat(header(incomplete, "ce_id")).isEqualTo("incomplete-1");
        assertThat(header(incomplete, "trace-id")).isEqualTo("trace-incomplete-1");

        ConsumerRecord<String, byte[]> wrongSource = dead.get(2);
        assertThat(wrongSource.key()).isEqualTo(CLUSTER + "/Forged");
        assertThat(header(wrongSource, "dead-letter-reason"))
                .contains("'/pgha/health-monitor/hm-0'")
                .contains("of kind health-monitor, expected alert-service");
        assertThat(header(wrongSource, "ce_id")).isEqualTo("forged-1");

        System.out.println("dead-letter headers of the garbage record:");
        garbage.headers()
                .forEach(
                        h -> System.out.println("  " + h.key() + ": " + new String(h.value(), StandardCharsets.UTF_8)));
    }

    private List<PghaEvent> handledOf(String cluster) {
        return consumer.handled().stream()
                .filter(event -> event.cluster().equals(cluster))
                .toList();
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private static void send(KafkaProducer<String, byte[]> producer, String key, byte[] value, String id, String type)
            throws Exception {
        send(producer, key, value, id, type, "/test/dead-letter-it");
    }

    private static void send(
            KafkaProducer<String, byte[]> producer, String key, byte[] value, String id, String type, String source)
            throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>("pgha.alerts", key, value);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", source.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("trace-id", ("trace-" + id).getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(30, TimeUnit.SECONDS);
    }
}
