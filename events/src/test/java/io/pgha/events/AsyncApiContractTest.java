package io.pgha.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The AsyncAPI document describes every topic and every event type, and its examples are real. */
class AsyncApiContractTest {
    private static final Path DOCUMENT = Path.of("src/main/resources/asyncapi.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode asyncapi;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = AsyncApiContractTest.class.getClassLoader().getResourceAsStream("asyncapi.yaml")) {
            assertThat(in).as("asyncapi.yaml on the classpath").isNotNull();
            asyncapi = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    static Stream<EventType> types() {
        return EventType.ALL.stream();
    }

    @Test
    void isAnAsyncApi3DocumentWithTheVersioningRule() {
        assertThat(asyncapi.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(asyncapi.path("info").path("description").asText()).contains("within v1 only additive changes");
    }

    @Test
    void describesEveryTopicWithItsKeyAndCleanupPolicyAndItsDeadLetterTopic() {
        for (Topic topic : Topics.ALL) {
            JsonNode channel = channelAt(topic.name());
            assertThat(channel).as("a channel with address %s", topic.name()).isNotNull();
            assertThat(channel.at("/bindings/kafka/topicConfiguration/cleanup.policy/0")
                            .asText())
                    .as("cleanup.policy of %s", topic.name())
                    .isEqualTo(topic.cleanupPolicy().kafkaValue());
            assertThat(channel.path("description").asText()).contains("Key: `" + topic.keyForm() + "`");
            assertThat(channelAt(topic.deadLetterTopic()))
                    .as("a channel for %s", topic.deadLetterTopic())
                    .isNotNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void describesEveryEventTypeOnItsTopicWithHeadersKeyPayloadAndExample(EventType type) throws IOException {
        JsonNode message = messageNamed(type.ceType());
        assertThat(message)
                .as("a message named %s in components.messages", type.ceType())
                .isNotNull();
        assertThat(message.at("/payload/$ref").asText()).isEqualTo("./" + type.schemaResource());
        assertThat(message.at("/headers/allOf/0/$ref").asText()).isEqualTo("#/components/schemas/CloudEventHeaders");
        assertThat(message.at("/headers/allOf/1/properties/ce_type/const").asText())
                .isEqualTo(type.ceType());
        assertThat(message.at("/bindings/kafka/key/description").asText())
                .isEqualTo(type.topic().keyForm());
        assertThat(message.at("/headers/allOf/1/properties/ce_source/pattern").asText())
                .as("the ce_source pattern of %s names its producer kind (Producers)", type.ceType())
                .isEqualTo("^/pgha/" + Producers.of(type) + "/[A-Za-z0-9._~-]+$");

        String messageRef = "#/components/messages/" + message.path("title").asText();
        JsonNode channel = channelAt(type.topic().name());
        assertThat(channel.path("messages").findValuesAsText("$ref"))
                .as("messages of channel %s", type.topic().name())
                .contains(messageRef);

        JsonNode example = message.at("/examples/0");
        PghaEvent expected = EventExamples.all().stream()
                .filter(event -> EventType.of(event).equals(type))
                .findFirst()
                .orElseThrow();
        assertThat(example.path("payload"))
                .as("the example payload of %s (regenerate it from EventExamples)", type.ceType())
                .isEqualTo(JSON.readTree(new EventCodec().encode(expected)));
        assertThat(example.at("/headers/ce_type").asText()).isEqualTo(type.ceType());
        assertThat(example.at("/headers/ce_subject").asText()).isEqualTo(expected.subject());
        assertThat(Producers.problem(type, example.at("/headers/ce_source").asText()))
                .as("the example's ce_source")
                .isEmpty();
        assertThat(SchemaSupport.errors(
                        "asyncapi-headers", example.path("headers").toString(), headerSchema()))
                .isEmpty();
    }

    @Test
    void everyReferencedFileExists() {
        List<String> refs = new ArrayList<>();
        collectRefs(asyncapi, refs);
        List<String> fileRefs =
                refs.stream().filter(ref -> !ref.startsWith("#")).toList();
        assertThat(fileRefs).hasSize(EventType.ALL.size());
        Path base = DOCUMENT.getParent();
        for (String ref : fileRefs) {
            assertThat(base.resolve(ref.replaceFirst("#.*", "")).normalize())
                    .as("file referenced as %s", ref)
                    .exists();
        }
        for (String ref : refs.stream().filter(ref -> ref.startsWith("#/")).toList()) {
            assertThat(asyncapi.at(ref.substring(1).replace("~1", "/")).isMissingNode())
                    .as("local reference %s resolves", ref)
                    .isFalse();
        }
    }

    @Test
    void everySchemaReferencedFromASchemaExists() throws IOException {
        for (EventType type : EventType.ALL) {
            List<String> refs = new ArrayList<>();
            collectRefs(EventSchemaTest.resource(type.schemaResource()), refs);
            for (String ref : refs) {
                Path file = Path.of("src/main/resources/schemas").resolve(ref.replaceFirst("#.*", ""));
                assertThat(file)
                        .as("%s referenced from %s", ref, type.schemaResource())
                        .exists();
                JsonNode target = JSON.readTree(Files.readString(file)).at(ref.replaceFirst("^[^#]*#", ""));
                assertThat(target.isMissingNode()).as("%s resolves", ref).isFalse();
            }
        }
    }

    private static String headerSchema() {
        return asyncapi.at("/components/schemas/CloudEventHeaders").toString();
    }

    private static JsonNode channelAt(String address) {
        Iterator<JsonNode> channels = asyncapi.path("channels").elements();
        while (channels.hasNext()) {
            JsonNode channel = channels.next();
            if (channel.path("address").asText().equals(address)) {
                return channel;
            }
        }
        return null;
    }

    private static JsonNode messageNamed(String name) {
        Iterator<JsonNode> messages = asyncapi.at("/components/messages").elements();
        while (messages.hasNext()) {
            JsonNode message = messages.next();
            if (message.path("name").asText().equals(name)) {
                return message;
            }
        }
        return null;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("$ref")) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }
}
