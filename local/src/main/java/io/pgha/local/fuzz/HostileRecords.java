package io.pgha.local.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.events.CloudEventEnvelope;
import io.pgha.events.CloudEventHeaders;
import io.pgha.events.EventCodec;
import io.pgha.events.EventSource;
import io.pgha.events.EventType;
import io.pgha.events.PghaEvent;
import io.pgha.events.Producers;
import io.pgha.local.KafkaBroker;
import io.pgha.local.Wait;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Hostile records for a consumed pgha topic, built from one valid event: garbage, missing or wrong
 * CloudEvent types, JSON of the wrong shape, every top-level field of the wrong type, huge and deeply
 * nested bodies, and the valid event with a missing, malformed or foreign CloudEvent source. None of
 * them is accepted (the first do not parse; the last come from no source of the kind that publishes
 * the type, see {@link Producers}), so a consumer must send each to {@code <topic>.dlq} with a
 * {@code dead-letter-reason} header and carry on. Records that should be accepted carry the source
 * {@code /pgha/<kind>/hostile-records} of their type's producer kind. Semantic variants (a newline in a name, an unknown
 * member, a future time) parse; {@link #of} wraps them for the service-specific test. Every record
 * carries a unique {@code ce_id} so the dead-letter topic can be matched against what was sent.
 */
public final class HostileRecords implements AutoCloseable {
    /** The header the dead-letter strategy adds with the reason. */
    public static final String REASON = "dead-letter-reason";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();
    private static final String INSTANCE = "hostile-records";

    private final KafkaProducer<String, byte[]> producer;

    /** One record to send. */
    public record Hostile(String name, String topic, String key, byte[] value, Map<String, String> headers) {
        public String id() {
            return headers.get(CloudEventHeaders.ID);
        }

        @Override
        public String toString() {
            return name + " (" + id() + ")";
        }
    }

    public HostileRecords(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(900_000));
        this.producer = new KafkaProducer<>(props);
    }

    /** Sends {@code records} in order, each acknowledged by the broker before the next. */
    public void send(List<Hostile> records) {
        for (Hostile record : records) {
            ProducerRecord<String, byte[]> out = new ProducerRecord<>(record.topic(), record.key(), record.value());
            record.headers().forEach((k, v) -> out.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            try {
                producer.send(out).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not send " + record + " to " + record.topic() + ": " + e, e);
            }
        }
    }

    /** A parsable event, sent with its real envelope under {@code name} (ids are unique per name). */
    public static Hostile of(String name, PghaEvent event) {
        CloudEventEnvelope envelope = CloudEventEnvelope.of(event, source(event), slug(name), CODEC);
        return new Hostile(name, envelope.topic(), envelope.key(), envelope.data(), envelope.headers());
    }

    /** Records built from {@code valid} that must not parse (see the class comment). */
    public static List<Hostile> unparseable(PghaEvent valid) {
        CloudEventEnvelope envelope = CloudEventEnvelope.of(valid, source(valid), CODEC);
        List<Hostile> records = new ArrayList<>();
        String type = envelope.type();
        records.add(raw(envelope, "garbage bytes", type, new byte[] {0, 1, 2, (byte) 0xff, 'n', 'o', 't', ' ', 'j'}));
        records.add(raw(envelope, "empty body", type, new byte[0]));
        records.add(raw(envelope, "no ce_type header", null, envelope.data()));
        records.add(raw(envelope, "a foreign ce_type", "com.example.not-pgha", envelope.data()));
        records.add(raw(envelope, "the ce_type of another pgha event", otherType(type), envelope.data()));
        records.add(raw(envelope, "a JSON array", type, bytes("[]")));
        records.add(raw(envelope, "a JSON number", type, bytes("42")));
        records.add(raw(envelope, "a JSON string", type, bytes("\"" + valid.cluster() + "\"")));
        records.add(raw(envelope, "JSON null", type, bytes("null")));
        records.add(raw(envelope, "trailing garbage", type, concat(envelope.data(), bytes(" garbage"))));
        records.add(raw(
                envelope,
                "truncated JSON",
                type,
                java.util.Arrays.copyOf(envelope.data(), envelope.data().length / 2)));
        records.add(raw(
                envelope,
                "deeply nested JSON",
                type,
                bytes("{\"a\":".repeat(HostileInputs.DEEP) + "1" + "}".repeat(HostileInputs.DEEP))));
        records.add(raw(envelope, "invalid UTF-8 in a string", type, invalidUtf8(envelope.data())));
        ObjectNode body = tree(envelope.data());
        Iterator<String> fields = body.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            ObjectNode wrong = body.deepCopy();
            wrong.set(field, wrongType(body.get(field)));
            records.add(raw(envelope, "field " + field + " of the wrong type", type, bytes(wrong.toString())));
        }
        String kind = Producers.of(EventType.of(valid));
        String foreign = Producers.kinds().stream()
                .filter(k -> !k.equals(kind))
                .findFirst()
                .orElseThrow();
        records.add(sourced(envelope, "no ce_source header", null));
        records.add(sourced(envelope, "a ce_source of another kind", "/pgha/" + foreign + "/" + INSTANCE));
        records.add(sourced(envelope, "a ce_source outside pgha", "/fuzz/" + INSTANCE));
        records.add(
                sourced(envelope, "a ce_source that is no pgha source", "https://evil.example/pgha/" + kind + "/x"));
        return List.copyOf(records);
    }

    /** The source of the kind that publishes {@code event}'s type ({@link Producers}). */
    private static EventSource source(PghaEvent event) {
        return new EventSource(Producers.of(EventType.of(event)), INSTANCE);
    }

    /** The valid event under {@code name} with its {@code ce_source} replaced (removed when null). */
    private static Hostile sourced(CloudEventEnvelope envelope, String name, String source) {
        Hostile hostile = raw(envelope, name, envelope.type(), envelope.data());
        if (source == null) {
            hostile.headers().remove(CloudEventHeaders.SOURCE);
        } else {
            hostile.headers().put(CloudEventHeaders.SOURCE, source);
        }
        return hostile;
    }

    /** Every record on {@code <topic>.dlq} so far, by its {@code ce_id} (records without one are left out). */
    public static Map<String, ConsumerRecord<String, byte[]>> deadLettered(String bootstrapServers, String topic) {
        Map<String, ConsumerRecord<String, byte[]>> byId = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : KafkaBroker.readToEnd(bootstrapServers, topic + ".dlq")) {
            String id = header(record, CloudEventHeaders.ID);
            if (id != null) {
                byId.put(id, record);
            }
        }
        return byId;
    }

    /**
     * Waits until every one of {@code hostile} is on {@code <topic>.dlq} with a
     * {@value #REASON} header; fails naming those that are not. Returns the dead-letter topic by id.
     */
    public static Map<String, ConsumerRecord<String, byte[]>> awaitDeadLettered(
            String bootstrapServers, String topic, List<Hostile> hostile, java.time.Duration timeout) {
        AtomicReference<Map<String, ConsumerRecord<String, byte[]>>> dead = new AtomicReference<>(Map.of());
        Wait.until(timeout, hostile.size() + " hostile records on " + topic + ".dlq", () -> {
            dead.set(deadLettered(bootstrapServers, topic));
            List<String> missing = hostile.stream()
                    .filter(h -> !dead.get().containsKey(h.id()))
                    .map(Hostile::toString)
                    .toList();
            if (!missing.isEmpty()) {
                // kept by Wait as the last failure: the error names what was accepted or lost
                throw new IllegalStateException(missing.size() + " not dead-lettered (accepted or lost): " + missing);
            }
            return true;
        });
        List<String> reasonless = hostile.stream()
                .filter(h -> header(dead.get().get(h.id()), REASON) == null
                        || header(dead.get().get(h.id()), REASON).isBlank())
                .map(Hostile::toString)
                .toList();
        if (!reasonless.isEmpty()) {
            throw new AssertionError("dead-lettered without a " + REASON + " header: " + reasonless);
        }
        return dead.get();
    }

    /** The value of {@code name}'s last header as text, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }

    private static Hostile raw(CloudEventEnvelope envelope, String name, String type, byte[] value) {
        Map<String, String> headers = new LinkedHashMap<>(envelope.headers());
        headers.put(CloudEventHeaders.ID, slug(name));
        if (type == null) {
            headers.remove(CloudEventHeaders.TYPE);
        } else {
            headers.put(CloudEventHeaders.TYPE, type);
        }
        return new Hostile(name, envelope.topic(), envelope.key(), value, headers);
    }

    /** A value of a type Jackson will not coerce into {@code value}'s. */
    private static JsonNode wrongType(JsonNode value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value.isTextual() || value.isNull()) {
            return nodes.objectNode().put("not", "a string");
        }
        if (value.isNumber()) {
            return nodes.textNode("not a number");
        }
        if (value.isBoolean()) {
            return nodes.textNode("maybe");
        }
        if (value.isArray()) {
            return nodes.objectNode().put("not", "a list");
        }
        return nodes.arrayNode().add(1).add("not an object");
    }

    private static String otherType(String type) {
        return EventType.ALL.stream()
                .map(EventType::ceType)
                .filter(t -> !t.equals(type))
                .findFirst()
                .orElseThrow();
    }

    private static ObjectNode tree(byte[] json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the valid event's body is not a JSON object", e);
        }
    }

    private static byte[] invalidUtf8(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        int quote = text.indexOf(":\"");
        if (quote < 0) {
            return new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'};
        }
        byte[] head = text.substring(0, quote + 2).getBytes(StandardCharsets.UTF_8);
        byte[] tail = text.substring(quote + 2).getBytes(StandardCharsets.UTF_8);
        return concat(concat(head, new byte[] {(byte) 0xc3, (byte) 0x28}), tail);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String slug(String name) {
        return "hostile-" + name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
