package io.pgha.monitor.it;

import io.pgha.events.CloudEventEnvelope;
import io.pgha.events.EventCodec;
import io.pgha.events.EventSource;
import io.pgha.events.PghaEvent;
import io.pgha.events.Topics;
import io.pgha.local.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/** The health-monitor's topics on a test broker, created as a deployment would, and a producer for them. */
final class KafkaTopics implements AutoCloseable {
    /** pgha.topology has several partitions so that clusters can be shared out between instances. */
    static final int TOPOLOGY_PARTITIONS = 6;

    private final String bootstrap;
    private final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    private KafkaTopics(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
    }

    /** Creates pgha.topology (compacted, {@value #TOPOLOGY_PARTITIONS} partitions), its DLQ and pgha.node-health. */
    static KafkaTopics create(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<NewTopic> topics = List.of(
                new NewTopic(Topics.TOPOLOGY.name(), Optional.of(TOPOLOGY_PARTITIONS), Optional.empty())
                        .configs(Map.of("cleanup.policy", "compact")),
                new NewTopic(Topics.TOPOLOGY.deadLetterTopic(), Optional.of(1), Optional.empty()),
                new NewTopic(Topics.NODE_HEALTH.name(), Optional.of(3), Optional.empty()));
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics on " + bootstrap + ": " + e, e);
        }
        return new KafkaTopics(bootstrap);
    }

    /** The partition of pgha.topology that Kafka's default partitioner gives {@code cluster}. */
    static int topologyPartition(String cluster) {
        return Utils.toPositive(Utils.murmur2(cluster.getBytes(StandardCharsets.UTF_8))) % TOPOLOGY_PARTITIONS;
    }

    /** The first name {@code prefix-<n>} that lands on {@code partition} of pgha.topology. */
    static String clusterOnPartition(String prefix, int partition) {
        for (int n = 0; ; n++) {
            if (topologyPartition(prefix + "-" + n) == partition) {
                return prefix + "-" + n;
            }
        }
    }

    /** Publishes {@code event} as a binary-mode CloudEvent, as pgha's publisher does. */
    void publish(PghaEvent event) throws Exception {
        CloudEventEnvelope envelope =
                CloudEventEnvelope.of(event, new EventSource("failover-coordinator", "it"), codec);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(envelope.topic(), envelope.key(), envelope.data());
        envelope.headers().forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

    /** Sends {@code body} to {@code topic} under {@code key} with a CloudEvent type header. */
    void sendRaw(String topic, String key, byte[] body, String ceType) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, body);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", ("raw-" + key).getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", "/pgha/failover-coordinator/it".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", ceType.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

    /** Every record of {@code topic} from its start to its current end. */
    List<ConsumerRecord<String, byte[]>> readToEnd(String topic) {
        return KafkaBroker.readToEnd(bootstrap, topic);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
