package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaBrokerIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void recordProducedIsConsumedAndBrokerServesAgainAfterRestartThenIsGone() throws Exception {
        KafkaBroker kafka = infra.kafka();
        produce(kafka, "before-restart");
        assertThat(consumeValues(kafka, 1)).containsExactly("before-restart");

        kafka.stop();
        Gone.assertGone(kafka.process(), Ports.LOOPBACK, kafka.port());
        kafka.start();
        produce(kafka, "after-restart");
        assertThat(consumeValues(kafka, 2)).containsExactly("before-restart", "after-restart");

        LocalProcess process = kafka.process();
        kafka.close();
        Gone.assertGone(process, Ports.LOOPBACK, kafka.port());
    }

    private static void produce(KafkaBroker kafka, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>("local-it", "key", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeValues(KafkaBroker kafka, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "local-it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("local-it"));
            Wait.until(Duration.ofSeconds(30), expected + " records consumed", () -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
        }
        return values;
    }
}
