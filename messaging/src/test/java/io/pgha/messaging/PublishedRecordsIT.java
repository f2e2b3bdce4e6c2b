package io.pgha.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.events.EventCodec;
import io.pgha.events.EventExamples;
import io.pgha.events.PghaEvent;
import io.pgha.local.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Publishes one event of each type through the {@link EventPublisher} to a real broker and reads
 * them back with a plain Kafka consumer that knows nothing of pgha: the topics, keys, {@code ce_}
 * headers and bodies must be exactly as docs/events.md and asyncapi.yaml say.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class PublishedRecordsIT {
    /** What the documentation promises, written out: type -> topic, key, subject. */
    private static final Map<String, List<String>> DOCUMENTED = Map.ofEntries(
            Map.entry("io.pgha.node-health-observed.v1", List.of("pgha.node-health", "demo/pg-1", "demo/pg-1")),
            Map.entry(
                    "io.pgha.pool-usage-observed.v1",
                    List.of("pgha.node-health", "demo/renderer-0", "demo/renderer-0")),
            Map.entry("io.pgha.coordinator-elected.v1", List.of("pgha.election", "demo", "demo")),
            Map.entry("io.pgha.failover-started.v1", List.of("pgha.election", "demo", "demo")),
            Map.entry("io.pgha.failover-completed.v1", List.of("pgha.election", "demo", "demo")),
            Map.entry("io.pgha.failover-failed.v1", List.of("pgha.election", "demo", "demo")),
            Map.entry("io.pgha.switchover-started.v1", List.of("pgha.election", "demo", "demo")),
            Map.entry("io.pgha.switchover-completed.v1", List.of("pgha.election", "demo", "demo")),
            Map.entry("io.pgha.switchover-failed.v1", List.of("pgha.election", "demo", "demo")),
            Map.entry("io.pgha.member-promoted.v1", List.of("pgha.election", "demo", "demo/pg-1")),
            Map.entry("io.pgha.member-demoted.v1", List.of("pgha.election", "demo", "demo/pg-0")),
            Map.entry("io.pgha.topology-changed.v1", List.of("pgha.topology", "demo", "demo")),
            Map.entry("io.pgha.base-backup-started.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.base-backup-completed.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.base-backup-failed.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.wal-archive-progress.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.restore-completed.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.wal-archive-failed.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.backup-removed.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.restore-requested.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.restore-drill-completed.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.restore-drill-failed.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.logical-backup-completed.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.logical-backup-failed.v1", List.of("pgha.backup", "demo", "demo")),
            Map.entry("io.pgha.alert-fired.v1", List.of("pgha.alerts", "demo/ReplicationLagHigh", "demo/pg-2")),
            Map.entry("io.pgha.alert-resolved.v1", List.of("pgha.alerts", "demo/ReplicationLagHigh", "demo/pg-2")));

    private static final List<String> TOPICS =
            List.of("pgha.node-health", "pgha.election", "pgha.topology", "pgha.backup", "pgha.alerts");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void everyEventTypeArrivesWithTheDocumentedKeyHeadersAndBody() throws Exception {
        List<PghaEvent> examples = EventExamples.all();
        for (PghaEvent example : examples) {
            publisher.publish(example).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<String, byte[]>> records = readAll(examples.size());

        ObjectMapper json = new ObjectMapper();
        EventCodec codec = new EventCodec();
        Map<String, ConsumerRecord<String, byte[]>> byType = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            byType.put(header(record, "ce_type"), record);
        }
        assertThat(byType.keySet()).containsExactlyInAnyOrderElementsOf(DOCUMENTED.keySet());
        for (PghaEvent example : examples) {
            String type = io.pgha.events.EventType.of(example).ceType();
            ConsumerRecord<String, byte[]> record = byType.get(type);
            List<String> documented = DOCUMENTED.get(type);
            JsonNode body = json.readTree(record.value());

            assertThat(record.topic()).as("topic of %s", type).isEqualTo(documented.get(0));
            assertThat(record.key()).as("key of %s", type).isEqualTo(documented.get(1));
            assertThat(header(record, "ce_subject"))
                    .as("ce_subject of %s", type)
                    .isEqualTo(documented.get(2));
            assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
            assertThat(header(record, "ce_id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(header(record, "ce_source")).isEqualTo("/pgha/alert-service/it-0");
            assertThat(header(record, "content-type")).isEqualTo("application/json");
            String time = body.has("observed_at")
                    ? body.get("observed_at").asText()
                    : body.get("occurred_at").asText();
            assertThat(Instant.parse(header(record, "ce_time")))
                    .as("ce_time of %s", type)
                    .isEqualTo(Instant.parse(time));
            assertThat(body.get("cluster").asText()).isEqualTo("demo");
            assertThat(body).as("body of %s", type).isEqualTo(json.readTree(codec.encode(example)));
        }
        assertThat(byType.get("io.pgha.topology-changed.v1").value())
                .asString(StandardCharsets.UTF_8)
                .contains("\"sync_standbys\":[\"pg-2\"]", "\"api_url\":\"http://10.0.0.12:8008/patroni\"");
        assertThat(records.stream().map(r -> header(r, "ce_id")).distinct()).hasSize(examples.size());
    }

    /** Reads the five topics from the beginning until {@code expected} records arrived (60 s at most). */
    private List<ConsumerRecord<String, byte[]>> readAll(int expected) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaBroker.fromBeginning(bootstrap, TOPICS)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.stream().filter(r -> isDemo(r)).count() < expected) {
                assertThat(System.nanoTime() - deadline)
                        .as("only %d of %d records arrived within 60 s: %s", records.size(), expected, records)
                        .isNegative();
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records.stream().filter(PublishedRecordsIT::isDemo).toList();
    }

    private static boolean isDemo(ConsumerRecord<String, byte[]> record) {
        return record.key() != null
                && (record.key().equals("demo") || record.key().startsWith("demo/"));
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
