package io.pgha.renderer.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Knows when pgha.topology has been read to its end: the end offsets of the assigned partitions are
 * taken when they are assigned (from the beginning, see {@link TopologyRebalanceListener}), and every
 * handled record moves its partition forward. When no partition has anything left, the routing may
 * render: a renderer that starts never routes by a half-read topic.
 */
@ApplicationScoped
public class CatchUp {
    @Inject
    HaproxyRouting routing;

    private final Map<TopicPartition, Long> remaining = new HashMap<>();
    private boolean done;

    /** Partitions were assigned; {@code ends} are their end offsets, {@code beginnings} their first ones. */
    public synchronized void assigned(Map<TopicPartition, Long> beginnings, Map<TopicPartition, Long> ends) {
        if (done) {
            return;
        }
        ends.forEach((partition, end) -> {
            long beginning = beginnings.getOrDefault(partition, 0L);
            if (end > beginning) {
                remaining.put(partition, end);
            } else {
                remaining.remove(partition);
            }
        });
        check();
    }

    /** Partitions were taken away. */
    public synchronized void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(remaining::remove);
    }

    /** The record at {@code offset} of {@code partition} has been handed to the routing. */
    public synchronized void handled(TopicPartition partition, long offset) {
        Long end = remaining.get(partition);
        if (end != null && offset + 1 >= end) {
            remaining.remove(partition);
            check();
        }
    }

    private void check() {
        if (!done && remaining.isEmpty()) {
            done = true;
            routing.caughtUp();
        }
    }
}
