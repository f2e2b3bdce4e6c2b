package io.pgha.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.core.Json;
import io.pgha.core.store.ClusterSnapshot;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Iterator;
import java.util.Map;

/** Reading request bodies and writing answers, for every endpoint of the coordinator's API. */
final class Bodies {
    private Bodies() {}

    /**
     * The stored dynamic config in Patroni's shape (a top-level {@code use_pg_rewind} from before the
     * nested shape moved under {@code postgresql}, see {@link io.pgha.core.DynamicConfig#migrated}), so
     * every write through the API stores that shape.
     */
    static ObjectNode stored(ClusterSnapshot snapshot) {
        JsonNode node = snapshot.config()
                .map(c -> Json.read(c, JsonNode.class, "dynamic config"))
                .orElse(null);
        return io.pgha.core.DynamicConfig.migrated(node);
    }

    /**
     * The config a PATCH ({@code merge}: the body merged into the stored config) or a PUT (the body
     * alone) would store, in Patroni's shape; not validated.
     */
    static ObjectNode nextConfig(ObjectNode stored, ObjectNode body, boolean merge) {
        ObjectNode next = merge ? io.pgha.core.DynamicConfig.migrated(stored) : Json.MAPPER.createObjectNode();
        merge(next, io.pgha.core.DynamicConfig.migrated(body));
        return next;
    }

    /** JSON merge patch (RFC 7396): objects merge key by key, null removes, anything else replaces. */
    static void merge(ObjectNode target, ObjectNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (e.getValue().isNull()) {
                target.remove(e.getKey());
            } else if (e.getValue().isObject()) {
                ObjectNode inner = target.get(e.getKey()) instanceof ObjectNode o ? o : target.putObject(e.getKey());
                merge(inner, (ObjectNode) e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    static JsonNode object(String body, String... allowed) {
        JsonNode node = parse(body);
        if (!node.isObject()) {
            throw new ApiException(400, "the body must be a JSON object with " + String.join(", ", allowed));
        }
        for (String field : allowed) {
            JsonNode value = node.get(field);
            if (value != null && !value.isNull() && !value.isTextual() && !field.equals("ignore_lag")) {
                throw new ApiException(400, field + " must be a string, got " + value);
            }
        }
        return node;
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new ApiException(400, "the request needs a JSON body");
        }
        try {
            // one JSON value and nothing after it: "{} garbage" is not an empty patch
            return Json.MAPPER
                    .reader()
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(body);
        } catch (Exception e) {
            throw new ApiException(
                    400,
                    "the body is not valid JSON: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message))
                .build();
    }

    static Response message(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("message", message))
                .build();
    }
}
