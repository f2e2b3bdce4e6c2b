package io.pgha.backup.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import java.io.IOException;
import java.util.Set;

/** A request body that must be one JSON object: every shape problem is a 400 that says what to send. */
final class JsonBody {
    private JsonBody() {}

    /**
     * {@code body} as a JSON object with no field outside {@code fields}. {@code missing} is the reason
     * when there is no body, {@code notObject} when it is another JSON value, and {@code use} names the
     * fields to use instead of an unknown one.
     */
    static JsonNode object(String body, Set<String> fields, String missing, String notObject, String use) {
        if (body == null || body.isBlank()) {
            throw new ApiException(400, missing);
        }
        JsonNode node;
        try {
            node = Json.MAPPER
                    .reader()
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(body);
        } catch (IOException e) {
            throw new ApiException(
                    400,
                    "the body is not valid JSON: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!node.isObject()) {
            throw new ApiException(400, notObject);
        }
        node.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                throw new ApiException(400, "unknown field '" + BackupsResource.shown(f) + "': use " + use);
            }
        });
        return node;
    }
}
