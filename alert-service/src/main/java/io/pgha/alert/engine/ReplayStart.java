package io.pgha.alert.engine;

import io.pgha.events.Topics;
import java.time.Duration;
import java.time.Instant;

/**
 * Where the engine starts reading a topic when its partitions are assigned: the compacted
 * pgha.topology from its beginning (it is the whole current picture), pgha.alerts (our own output,
 * read back to learn which alerts were announced) from {@code alertsWindow} ago, every other topic
 * from {@code window} ago. Pure.
 */
public sealed interface ReplayStart {
    /** From the partition's first offset. */
    record Beginning() implements ReplayStart {}

    /** From the first record at or after {@code time}; at the end when there is none. */
    record At(Instant time) implements ReplayStart {}

    /** The start for {@code topic} at {@code now}. */
    static ReplayStart of(String topic, Instant now, Duration window, Duration alertsWindow) {
        if (Topics.TOPOLOGY.name().equals(topic)) {
            return new Beginning();
        }
        if (Topics.ALERTS.name().equals(topic)) {
            return new At(now.minus(alertsWindow));
        }
        return new At(now.minus(window));
    }
}
