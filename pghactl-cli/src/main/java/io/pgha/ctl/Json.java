package io.pgha.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/** JSON and YAML reading and writing (YAML made only when needed: it costs start-up time). */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private Json() {}

    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
                        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                        .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                        .build())
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** Parses JSON; a failure names {@code what}. */
    public static JsonNode read(String text, String what) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw CtlException.failed(what + " is not valid JSON: " + firstLine(e.getOriginalMessage()));
        }
    }

    /** Parses YAML (JSON is YAML too); a failure names {@code what}. */
    public static JsonNode readYaml(String text, String what) {
        try {
            JsonNode node = Yaml.MAPPER.readTree(text);
            return node == null ? MAPPER.nullNode() : node;
        } catch (JsonProcessingException e) {
            throw CtlException.usage(what + " is not valid YAML: " + firstLine(e.getOriginalMessage()));
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** YAML with keys sorted (as patronictl's show-config). */
    public static String yaml(Object value) {
        try {
            Object sorted = value instanceof JsonNode node ? MAPPER.convertValue(node, Object.class) : value;
            return Yaml.MAPPER.writeValueAsString(sorted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON value as a plain Java value (String, Number, Boolean, List, Map or null). */
    public static Object plain(JsonNode node) {
        return MAPPER.convertValue(node, Object.class);
    }

    private static String firstLine(String text) {
        return String.valueOf(text).lines().findFirst().orElse("");
    }
}
