package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.KafkaAcls;
import io.pgha.events.Topics;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The secured broker enforces {@link KafkaAcls}: a health-monitor cannot write pgha.topology, the
 * coordinator can, a wrong password and a plaintext client are refused, and a read-only principal
 * reads in its own group but cannot write.
 */
class KafkaSecurityIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void theBrokerLetsOnlyTheRightPrincipalWriteAndRead() throws Exception {
        KafkaBroker kafka = infra.securedKafka();
        kafka.createTopics(Topics.ALL);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kafka.passwordFile("admin"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(kafka.process().log()))
                .doesNotContain(Files.readString(kafka.passwordFile("admin")).trim());

        // (a) a health-monitor may not write the topology: the broker says so.
        try (KafkaProducer<String, String> monitor = producer(kafka.clientProperties("health-monitor"))) {
            assertThatThrownBy(() -> monitor.send(new ProducerRecord<>("pgha.topology", "demo", "forged"))
                            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class);
            // ...but may write its own topic.
            monitor.send(new ProducerRecord<>("pgha.node-health", "demo/pg-0", "probe"))
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        // (b) the coordinator may.
        try (KafkaProducer<String, String> coordinator = producer(kafka.clientProperties("failover-coordinator"))) {
            coordinator
                    .send(new ProducerRecord<>("pgha.topology", "demo", "topology"))
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        // (c) a wrong password fails authentication.
        Map<String, Object> wrong = new HashMap<>(kafka.clientProperties("failover-coordinator"));
        wrong.put(SaslConfigs.SASL_JAAS_CONFIG, KafkaSecurity.jaas("failover-coordinator", "not-the-password"));
        try (KafkaProducer<String, String> impostor = producer(wrong)) {
            assertThatThrownBy(() -> impostor.send(new ProducerRecord<>("pgha.topology", "demo", "forged"))
                            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }

        // (d) a plaintext client gets nothing from the secured listener.
        Map<String, Object> plaintext = Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(plaintext)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }

        // (e) a read-only principal reads in its own group and cannot write.
        kafka.addReadOnlyPrincipal("analytics");
        Map<String, Object> reader = new HashMap<>(kafka.clientProperties("analytics"));
        try (KafkaProducer<String, String> producer = producer(reader)) {
            // An idempotent producer (the default) is refused its producer id: it may write no topic at all.
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("pgha.alerts", "demo/X", "forged"))
                            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(ClusterAuthorizationException.class);
        }
        Map<String, Object> plainProducer = new HashMap<>(reader);
        plainProducer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        try (KafkaProducer<String, String> producer = producer(plainProducer)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("pgha.alerts", "demo/X", "forged"))
                            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        reader.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaAcls.readOnlyGroupPrefix("analytics") + "dashboard");
        reader.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        reader.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        reader.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(reader)) {
            consumer.subscribe(List.of("pgha.topology"));
            List<String> read = new java.util.ArrayList<>();
            Wait.until(DEADLINE, "the read-only principal reads pgha.topology", () -> {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                records.forEach(r -> read.add(r.value()));
                return !read.isEmpty();
            });
            assertThat(read).containsExactly("topology");
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props);
    }
}
