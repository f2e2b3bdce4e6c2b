package io.pgha.renderer.service;

import io.pgha.events.ElectionEvent;
import io.pgha.messaging.IncomingEvents;
import io.pgha.renderer.pool.PoolRouting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes pgha.election (channel {@code election}, from the latest offset: only switchovers that start
 * from now on matter) for the pooler: {@code SwitchoverStarted} pauses its read-write pools,
 * {@code SwitchoverFailed} resumes them. Without a pooler every event is ignored.
 */
@ApplicationScoped
public class ElectionConsumer {
    @Inject
    IncomingEvents incoming;

    @Inject
    Optional<PoolRouting> pool;

    @Incoming("election")
    public CompletionStage<Void> consume(Message<byte[]> record) {
        if (record.getPayload() == null || pool.isEmpty()) {
            return record.ack();
        }
        return incoming.handle(record, event -> {
            if (event instanceof ElectionEvent election) {
                pool.get().election(election);
            }
        });
    }
}
