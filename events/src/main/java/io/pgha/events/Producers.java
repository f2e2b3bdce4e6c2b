package io.pgha.events;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which kind of pgha service may publish each event type: the {@code <service>} of the CloudEvent
 * source {@code /pgha/<service>/<instance>} ({@link EventSource}). One table for the whole contract;
 * consumers dead-letter a record whose source is of another kind ({@link #problem}), and the Kafka
 * ACLs of a topic follow {@link #of(Topic)}.
 */
public final class Producers {
    /** The failover-coordinator: pgha.election and pgha.topology. */
    public static final String FAILOVER_COORDINATOR = "failover-coordinator";
    /** The health-monitor: node-health-observed on pgha.node-health. */
    public static final String HEALTH_MONITOR = "health-monitor";
    /** The config-renderer: pool-usage-observed on pgha.node-health. */
    public static final String CONFIG_RENDERER = "config-renderer";
    /** The backup-service: pgha.backup. */
    public static final String BACKUP_SERVICE = "backup-service";
    /** The alert-service: pgha.alerts. */
    public static final String ALERT_SERVICE = "alert-service";

    /** By topic; {@link #EXCEPTIONS} names the types of a topic that another kind publishes. */
    private static final Map<Topic, String> BY_TOPIC = Map.of(
            Topics.NODE_HEALTH, HEALTH_MONITOR,
            Topics.ELECTION, FAILOVER_COORDINATOR,
            Topics.TOPOLOGY, FAILOVER_COORDINATOR,
            Topics.BACKUP, BACKUP_SERVICE,
            Topics.ALERTS, ALERT_SERVICE);

    private static final Map<Class<? extends PghaEvent>, String> EXCEPTIONS =
            Map.of(NodeHealthEvent.PoolUsageObserved.class, CONFIG_RENDERER);

    private Producers() {}

    /** The kind of service that publishes {@code type}. */
    public static String of(EventType type) {
        String exception = EXCEPTIONS.get(type.javaType());
        if (exception != null) {
            return exception;
        }
        String kind = BY_TOPIC.get(type.topic());
        if (kind == null) {
            throw new IllegalStateException("no producer kind for topic " + type.topic() + ": add it to Producers");
        }
        return kind;
    }

    /** Every kind that publishes on {@code topic} (what its Kafka write ACL must allow), in a fixed order. */
    public static Set<String> of(Topic topic) {
        Set<String> kinds = new LinkedHashSet<>();
        EventType.ALL.stream().filter(type -> type.topic().equals(topic)).forEach(type -> kinds.add(of(type)));
        return Collections.unmodifiableSet(kinds);
    }

    /** Every producer kind, in the order of the documentation. */
    public static List<String> kinds() {
        return List.of(HEALTH_MONITOR, CONFIG_RENDERER, FAILOVER_COORDINATOR, BACKUP_SERVICE, ALERT_SERVICE);
    }

    /**
     * What is wrong with {@code ceSource} (the {@code ce_source} header, null when absent) for a record
     * of {@code type}, naming the source seen and the kind expected; empty when it is a source of the
     * expected kind.
     */
    public static Optional<String> problem(EventType type, String ceSource) {
        String expected = of(type);
        String rule = "only " + expected + " publishes " + type.ceType() + " on "
                + type.topic().name() + " (source /pgha/" + expected + "/<instance>)";
        if (ceSource == null || ceSource.isBlank()) {
            return Optional.of("the record has no CloudEvent source (header ce_source): " + rule);
        }
        Optional<EventSource> source = EventSource.parse(ceSource);
        if (source.isEmpty()) {
            return Optional.of("the CloudEvent source '" + printable(ceSource) + "' is not of the form"
                    + " /pgha/<service>/<instance>: " + rule);
        }
        if (!source.get().service().equals(expected)) {
            return Optional.of("the CloudEvent source '" + ceSource + "' is of kind "
                    + source.get().service() + ", expected " + expected + ": " + rule);
        }
        return Optional.empty();
    }

    /** {@code value} cut to 200 characters with control characters escaped, fit for a header or a log. */
    private static String printable(String value) {
        String cut = value.length() > 200 ? value.substring(0, 200) + "..." : value;
        StringBuilder out = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
