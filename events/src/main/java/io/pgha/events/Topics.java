package io.pgha.events;

import java.util.List;
import java.util.Optional;

/** The topics of the public contract (see {@code docs/events.md} and {@code asyncapi.yaml}). */
public final class Topics {
    /** Probe results, on change and as heartbeat. */
    public static final Topic NODE_HEALTH =
            new Topic("pgha.node-health", NodeHealthEvent.class, "<cluster>/<member>", Topic.CleanupPolicy.DELETE);
    /** Coordinator leadership, failovers, switchovers, promotions and demotions. */
    public static final Topic ELECTION =
            new Topic("pgha.election", ElectionEvent.class, "<cluster>", Topic.CleanupPolicy.DELETE);
    /** The whole current topology of each cluster; compacted. */
    public static final Topic TOPOLOGY =
            new Topic("pgha.topology", TopologyEvent.class, "<cluster>", Topic.CleanupPolicy.COMPACT);
    /** Base backups, WAL archiving, restores. */
    public static final Topic BACKUP =
            new Topic("pgha.backup", BackupEvent.class, "<cluster>", Topic.CleanupPolicy.DELETE);
    /** Alerts fired and resolved. */
    public static final Topic ALERTS =
            new Topic("pgha.alerts", AlertEvent.class, "<cluster>/<alert>", Topic.CleanupPolicy.DELETE);

    /** Every topic, in the order of the documentation. */
    public static final List<Topic> ALL = List.of(NODE_HEALTH, ELECTION, TOPOLOGY, BACKUP, ALERTS);

    private Topics() {}

    /** The topic that carries {@code event}. */
    public static Topic of(PghaEvent event) {
        return of(event.getClass());
    }

    /** The topic that carries events of {@code type}. */
    public static Topic of(Class<? extends PghaEvent> type) {
        return ALL.stream()
                .filter(topic -> topic.stream().isAssignableFrom(type))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        type.getName() + " belongs to no topic: add its stream interface to Topics.ALL"));
    }

    /** The topic named {@code name}, if it is one of the contract. */
    public static Optional<Topic> named(String name) {
        return ALL.stream().filter(topic -> topic.name().equals(name)).findFirst();
    }
}
