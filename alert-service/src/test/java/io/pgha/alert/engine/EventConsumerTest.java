package io.pgha.alert.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgha.alert.delivery.AlertSink;
import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import io.pgha.alert.rules.Thresholds;
import io.pgha.events.CloudEventHeaders;
import io.pgha.events.EventCodec;
import io.pgha.events.EventExamples;
import io.pgha.events.NodeHealthEvent.PoolUsageObserved;
import io.pgha.events.Topics;
import io.pgha.messaging.IncomingEvents;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The consumer's path for pool readings on pgha.node-health: folded, or dead-lettered to pgha.node-health.dlq. */
class EventConsumerTest {
    private static final String TYPE = "io.pgha.pool-usage-observed.v1";
    private static final String RENDERER = "/pgha/config-renderer/renderer-0";
    private final EventCodec codec = new EventCodec();
    private final EventConsumer consumer = new EventConsumer();
    private AlertEngine engine;
    private long offset;

    @BeforeEach
    void start() {
        AlertSettings settings = new AlertSettings(
                "t",
                Thresholds.defaults(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ZERO,
                Duration.ZERO);
        AlertSink sink = new AlertSink() {
            @Override
            public void changed(List<AlertChange> changes, Instant now) {}

            @Override
            public void stillFiring(Collection<Alert> firing, Instant now) {}
        };
        engine = new AlertEngine(
                settings,
                sink,
                event -> CompletableFuture.completedFuture(null),
                new EngineMetrics(new SimpleMeterRegistry()));
        engine.replayFrom(new CatchUp(Map.of()), Instant.now());
        consumer.incoming = new IncomingEvents();
        consumer.engine = engine;
    }

    @Test
    void aPoolReadingIsFoldedUnderItsClustersState() {
        PoolUsageObserved reading = EventExamples.poolUsageObserved();
        Outcome outcome = consume(reading.key(), codec.encode(reading));
        assertThat(outcome.nackedTo.get()).isNull();
        assertThat(outcome.acked.get()).isTrue();
        assertThat(engine.state("demo"))
                .hasValueSatisfying(s -> assertThat(s.pools()).hasSize(1));
    }

    @Test
    void anInvalidPoolReadingGoesToTheNodeHealthDeadLetterTopic() {
        String body = new String(codec.encode(EventExamples.poolUsageObserved()), StandardCharsets.UTF_8);
        // a user name with a control character does not parse
        Outcome badName = consume(
                "demo/renderer-0",
                body.replace("\"user\":\"app\"", "\"user\":\"a\\u001bpp\"").getBytes(StandardCharsets.UTF_8));
        assertThat(badName.nackedTo.get()).isEqualTo(Topics.NODE_HEALTH.deadLetterTopic());
        // parses, but the pooler is not a usable name (RecordCheck)
        Outcome badPooler = consume(
                "demo/a b",
                body.replace("\"pooler\":\"renderer-0\"", "\"pooler\":\"a b\"").getBytes(StandardCharsets.UTF_8));
        assertThat(badPooler.nackedTo.get()).isEqualTo("pgha.node-health.dlq");
        // under another key
        Outcome foreignKey = consume("demo/pg-0", body.getBytes(StandardCharsets.UTF_8));
        assertThat(foreignKey.nackedTo.get()).isEqualTo("pgha.node-health.dlq");
        assertThat(engine.state("demo")).isEmpty();
    }

    @Test
    void aPoolReadingFromAnotherKindOfServiceGoesToTheNodeHealthDeadLetterTopic() {
        PoolUsageObserved reading = EventExamples.poolUsageObserved();
        Outcome fromMonitor = consume(reading.key(), codec.encode(reading), "/pgha/health-monitor/hm-0");
        Outcome unsigned = consume(reading.key(), codec.encode(reading), null);
        assertThat(fromMonitor.nackedTo.get()).isEqualTo("pgha.node-health.dlq");
        assertThat(unsigned.nackedTo.get()).isEqualTo("pgha.node-health.dlq");
        assertThat(engine.state("demo")).isEmpty();
    }

    private record Outcome(AtomicReference<Boolean> acked, AtomicReference<String> nackedTo) {}

    private Outcome consume(String key, byte[] body) {
        return consume(key, body, RENDERER);
    }

    private Outcome consume(String key, byte[] body, String source) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.NODE_HEALTH.name(), 0, offset++, key, body);
        record.headers().add(CloudEventHeaders.TYPE, TYPE.getBytes(StandardCharsets.UTF_8));
        if (source != null) {
            record.headers().add(CloudEventHeaders.SOURCE, source.getBytes(StandardCharsets.UTF_8));
        }
        Outcome outcome = new Outcome(new AtomicReference<>(false), new AtomicReference<>());
        Message<byte[]> message = Message.of(body, Metadata.of(new IncomingKafkaRecordMetadata<>(record, "pgha-in")))
                .withAck(() -> {
                    outcome.acked().set(true);
                    return CompletableFuture.completedFuture(null);
                })
                .withNackWithMetadata((failure, metadata) -> {
                    outcome.nackedTo()
                            .set(metadata.get(OutgoingKafkaRecordMetadata.class)
                                    .map(OutgoingKafkaRecordMetadata::getTopic)
                                    .orElse("(the channel's)"));
                    return CompletableFuture.completedFuture(null);
                });
        consumer.consume(message).toCompletableFuture().join();
        return outcome;
    }
}
