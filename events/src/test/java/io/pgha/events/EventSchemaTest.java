package io.pgha.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every event type has an example, and the example's JSON is what the type's JSON Schema says. */
class EventSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventCodec codec = new EventCodec();

    static Stream<PghaEvent> examples() {
        return EventExamples.all().stream();
    }

    @Test
    void thereIsExactlyOneExampleOfEveryEventType() {
        List<EventType> exampleTypes =
                EventExamples.all().stream().map(EventType::of).toList();
        assertThat(exampleTypes).containsExactlyElementsOf(EventType.ALL);
        assertThat(EventType.ALL).hasSize(26);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleValidatesAgainstItsSchema(PghaEvent example) {
        EventType type = EventType.of(example);
        String json = new String(codec.encode(example), StandardCharsets.UTF_8);

        assertThat(SchemaSupport.errors(type.schemaResource(), json))
                .as("%s against %s", json, type.schemaResource())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyPropertyWrittenIsDeclaredInTheSchema(PghaEvent example) throws IOException {
        EventType type = EventType.of(example);
        JsonNode schema = resource(type.schemaResource());
        JsonNode body = JSON.readTree(codec.encode(example));

        assertThat(undeclared("$", body, schema))
                .as("properties written by %s but missing from %s", type.javaType(), type.schemaResource())
                .isEmpty();
        assertThat(schema.path("title").asText()).isEqualTo(type.ceType());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleSurvivesARoundTrip(PghaEvent example) {
        assertThat(codec.decode(EventType.of(example).ceType(), codec.encode(example)))
                .isEqualTo(example);
    }

    @Test
    void everySchemaFileBelongsToAnEventType() throws IOException {
        List<String> expected = new ArrayList<>(
                EventType.ALL.stream().map(EventType::schemaResource).toList());
        expected.add("schemas/common.v1.json");
        List<String> files;
        try (Stream<java.nio.file.Path> list =
                java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/schemas"))) {
            files = list.map(p -> "schemas/" + p.getFileName()).toList();
        }
        assertThat(files).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void schemasRejectAnEventWithoutItsRequiredProperties() {
        assertThat(SchemaSupport.errors("schemas/topology-changed.v1.json", "{\"cluster\":\"demo\"}"))
                .isNotEmpty();
        assertThat(SchemaSupport.errors(
                        "schemas/member-promoted.v1.json",
                        "{\"cluster\":\"demo\",\"epoch\":1,\"member\":\"pg-0\",\"lsn\":\"not-an-lsn\","
                                + "\"occurred_at\":\"2025-05-01T10:15:30Z\"}"))
                .isNotEmpty();
    }

    @Test
    void theMemberRolesOfTheSchemaAreThoseOfMemberRole() throws IOException {
        JsonNode roles = resource("schemas/topology-changed.v1.json")
                .path("properties")
                .path("members")
                .path("items")
                .path("properties")
                .path("role")
                .path("enum");
        List<String> inSchema = new ArrayList<>();
        roles.forEach(r -> inSchema.add(r.asText()));
        List<String> inJava = Stream.of(TopologyEvent.MemberRole.values())
                .map(r -> JSON.convertValue(r, String.class))
                .toList();
        assertThat(inSchema)
                .containsExactlyElementsOf(inJava)
                .containsExactly("leader", "sync_standby", "quorum_standby", "replica", "unknown");
    }

    /** JSON paths of properties in {@code node} that {@code schema} does not declare. */
    private static List<String> undeclared(String path, JsonNode node, JsonNode schema) {
        List<String> missing = new ArrayList<>();
        if (node.isObject() && schema.has("properties")) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode declared = schema.path("properties").path(field.getKey());
                if (declared.isMissingNode()) {
                    missing.add(path + "." + field.getKey());
                } else {
                    missing.addAll(undeclared(path + "." + field.getKey(), field.getValue(), declared));
                }
            }
        } else if (node.isArray() && schema.has("items")) {
            for (int i = 0; i < node.size(); i++) {
                missing.addAll(undeclared(path + "[" + i + "]", node.get(i), schema.get("items")));
            }
        }
        return missing;
    }

    static JsonNode resource(String name) throws IOException {
        try (InputStream in = EventSchemaTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as("classpath resource %s", name).isNotNull();
            return JSON.readTree(in);
        }
    }
}
