package io.pgha.coordinator.facts;

import io.pgha.events.AlertEvent;
import io.pgha.events.BackupEvent;
import io.pgha.messaging.IncomingEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reads {@code pgha.backup} and {@code pgha.alerts} for the status page (channel {@code ops-facts}):
 * every replica from the topics' beginning, committing nothing, so a restarted coordinator folds the
 * retained history again into {@link OpsFacts} per cluster. A record that does not parse goes to its
 * topic's {@code .dlq} ({@link IncomingEvents}). Listeners hear the cluster whose facts changed.
 */
@ApplicationScoped
public class OpsFactsConsumer {
    private final Map<String, OpsFacts> facts = new ConcurrentHashMap<>();
    private final Set<Consumer<String>> listeners = new CopyOnWriteArraySet<>();

    @Inject
    IncomingEvents incoming;

    @Incoming("ops-facts")
    public CompletionStage<Void> consume(Message<byte[]> record) {
        return incoming.handle(record, event -> {
            if (event instanceof BackupEvent || event instanceof AlertEvent) {
                OpsFacts before = facts.getOrDefault(event.cluster(), OpsFacts.NONE);
                OpsFacts after = before.apply(event);
                if (!after.equals(before)) {
                    facts.put(event.cluster(), after);
                    listeners.forEach(l -> l.accept(event.cluster()));
                }
            }
        });
    }

    /** The facts of {@code cluster} seen so far. */
    public OpsFacts of(String cluster) {
        return facts.getOrDefault(cluster, OpsFacts.NONE);
    }

    /** Calls {@code listener} with a cluster's name each time its facts change. */
    public void listen(Consumer<String> listener) {
        listeners.add(listener);
    }
}
