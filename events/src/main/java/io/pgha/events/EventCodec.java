package io.pgha.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.List;

/**
 * Turns events into their JSON bodies and back. Property names are snake_case (like Patroni's REST
 * API), times are ISO-8601 strings, LSNs are strings in PostgreSQL's form, absent values are left
 * out. Reading is tolerant: unknown properties are ignored and an enum value this version does not
 * know reads as the enum's default; a body that still cannot be read fails with an
 * {@link EventDecodingException} that names the type, the JSON path and the reason. Thread-safe.
 */
public final class EventCodec {
    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The JSON body of {@code event} (UTF-8). */
    public byte[] encode(PghaEvent event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "could not write " + EventType.of(event) + " as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a body of CloudEvent type {@code ceType}.
     *
     * @throws EventDecodingException when the type is not one of this contract or the body does not
     *     parse as that type
     */
    public PghaEvent decode(String ceType, byte[] body) {
        if (ceType == null || ceType.isBlank()) {
            throw new EventDecodingException("the record has no CloudEvent type (header ce_type): pgha records are"
                    + " CloudEvents in binary mode; publish them with pgha-messaging's EventPublisher");
        }
        EventType type = EventType.byCeType(ceType)
                .orElseThrow(() -> new EventDecodingException("unknown CloudEvent type '" + ceType + "': this"
                        + " consumer knows " + EventType.ALL.size() + " types of " + EventType.TYPE_PREFIX + "*."
                        + EventType.VERSION + "; upgrade pgha-events to read newer types"));
        return decode(type, body);
    }

    /**
     * Reads a body of the given type.
     *
     * @throws EventDecodingException naming the type, the JSON path and the reason when it does not parse
     */
    public PghaEvent decode(EventType type, byte[] body) {
        if (body == null || body.length == 0) {
            throw new EventDecodingException("the " + type.ceType() + " record has no body: expected a JSON object");
        }
        try {
            PghaEvent event = mapper.readValue(body, type.javaType());
            if (event == null) {
                throw new EventDecodingException(
                        "the body of the " + type.ceType() + " record is JSON null: expected a JSON object");
            }
            return event;
        } catch (IOException e) {
            throw new EventDecodingException(
                    "cannot parse the body of an " + type.ceType() + " record" + where(e) + ": " + reason(e), e);
        }
    }

    private static String where(IOException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        StringBuilder path = new StringBuilder(" at $");
        List<JsonMappingException.Reference> references = mapping.getPath();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path.append('.').append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String reason(IOException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IllegalArgumentException) {
            return root.getMessage();
        }
        String message = e instanceof JacksonException jackson ? jackson.getOriginalMessage() : e.getMessage();
        if (message != null && message.startsWith("Cannot map `null` into type")) {
            message = "a required value is missing or null";
        }
        if (e instanceof JacksonException jackson && jackson.getLocation() != null) {
            message += " (line " + jackson.getLocation().getLineNr() + ", column "
                    + jackson.getLocation().getColumnNr() + ")";
        }
        return message;
    }
}
