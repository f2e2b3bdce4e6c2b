package io.pgha.events;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;

/** Loads the contract's JSON Schemas from the classpath, relative references included. */
final class SchemaSupport {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);

    private SchemaSupport() {}

    static Schema schema(String resource) {
        return REGISTRY.getSchema(SchemaLocation.of("classpath:" + resource));
    }

    /** The validation errors of {@code json} against the schema given as text ({@code name} for messages). */
    static List<String> errors(String name, String json, String schemaText) {
        return REGISTRY.getSchema(schemaText, InputFormat.JSON).validate(json, InputFormat.JSON).stream()
                .map(error -> name + ": " + error)
                .toList();
    }

    /** The validation errors of {@code json} against {@code resource}, as readable lines. */
    static List<String> errors(String resource, String json) {
        return schema(resource).validate(json, InputFormat.JSON).stream()
                .map(Object::toString)
                .toList();
    }
}
