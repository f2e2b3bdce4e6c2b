package io.pgha.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.CloudEventEnvelope;
import io.pgha.events.EventCodec;
import io.pgha.events.EventExamples;
import io.pgha.events.EventSource;
import io.pgha.events.PghaEvent;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.net.URI;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

class KafkaEventPublisherTest {
    @Test
    void metadataCarriesTopicKeyAndCloudEventAttributes() {
        PghaEvent event = EventExamples.unreachable();
        CloudEventEnvelope envelope =
                CloudEventEnvelope.of(event, new EventSource("health-monitor", "hm-1"), "id-7", new EventCodec());

        Message<byte[]> message = Message.of(envelope.data(), KafkaEventPublisher.metadata(envelope));

        OutgoingKafkaRecordMetadata<?> kafka =
                message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertThat(kafka.getTopic()).isEqualTo("pgha.node-health");
        assertThat(kafka.getKey()).isEqualTo("demo/pg-2");
        OutgoingCloudEventMetadata<?> ce =
                message.getMetadata(OutgoingCloudEventMetadata.class).orElseThrow();
        assertThat(ce.getId()).isEqualTo("id-7");
        assertThat(ce.getSource()).isEqualTo(URI.create("/pgha/health-monitor/hm-1"));
        assertThat(ce.getType()).isEqualTo("io.pgha.node-health-observed.v1");
        assertThat(ce.getSubject()).contains("demo/pg-2");
        assertThat(ce.getTimeStamp().map(t -> t.toInstant())).contains(Instant.parse("2025-05-01T10:15:30.123Z"));
        assertThat(ce.getDataContentType()).contains("application/json");
        assertThat(ce.getSpecVersion()).isEqualTo("1.0");
    }
}
