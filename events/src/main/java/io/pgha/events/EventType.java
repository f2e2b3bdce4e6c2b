package io.pgha.events;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One event type of the contract. Its names all derive from the record's simple name, so they
 * cannot drift apart: {@code NodeHealthObserved} has the name {@code node-health-observed}, the
 * CloudEvent type {@code io.pgha.node-health-observed.v1} and the JSON Schema
 * {@code schemas/node-health-observed.v1.json}.
 *
 * @param javaType the record
 * @param topic the topic it is published on
 */
public record EventType(Class<? extends PghaEvent> javaType, Topic topic) {
    /** The major version of the contract; within it only additive changes are made. */
    public static final String VERSION = "v1";

    /** The CloudEvent type prefix. */
    public static final String TYPE_PREFIX = "io.pgha.";

    /** Every event type, topic by topic, in declaration order. */
    public static final List<EventType> ALL = Topics.ALL.stream()
            .flatMap(topic -> Arrays.stream(topic.stream().getPermittedSubclasses())
                    .map(type -> new EventType(type.asSubclass(PghaEvent.class), topic)))
            .toList();

    /** The kebab-case name, e.g. {@code node-health-observed}. */
    public String name() {
        return javaType.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The CloudEvent type, e.g. {@code io.pgha.node-health-observed.v1}. */
    public String ceType() {
        return TYPE_PREFIX + name() + "." + VERSION;
    }

    /** The JSON Schema's classpath resource, e.g. {@code schemas/node-health-observed.v1.json}. */
    public String schemaResource() {
        return "schemas/" + name() + "." + VERSION + ".json";
    }

    /** The type of {@code event}. */
    public static EventType of(PghaEvent event) {
        return of(event.getClass());
    }

    /** The type of records of class {@code javaType}. */
    public static EventType of(Class<? extends PghaEvent> javaType) {
        return ALL.stream()
                .filter(type -> type.javaType().equals(javaType))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(javaType.getName() + " is not an event type"));
    }

    /** The type whose CloudEvent type is {@code ceType}; empty for a type this version does not know. */
    public static Optional<EventType> byCeType(String ceType) {
        return ALL.stream().filter(type -> type.ceType().equals(ceType)).findFirst();
    }

    @Override
    public String toString() {
        return ceType();
    }
}
