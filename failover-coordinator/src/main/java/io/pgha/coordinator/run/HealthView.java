package io.pgha.coordinator.run;

import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.messaging.IncomingEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The health-monitor's outside view, from {@code pgha.node-health}: the latest observation of each
 * member. Each coordinator replica reads the topic in its own consumer group (it needs every cluster).
 */
@ApplicationScoped
public class HealthView {
    /** A member's latest observation. */
    public record Seen(boolean reachable, String error, Instant observedAt) {}

    private final Map<String, Seen> latest = new ConcurrentHashMap<>();

    @Inject
    IncomingEvents incoming;

    @Incoming("node-health")
    public CompletionStage<Void> consume(Message<byte[]> record) {
        return incoming.handle(record, event -> {
            if (event instanceof NodeHealthObserved seen) {
                String error = seen.reachable()
                        ? null
                        : (seen.errorClass() == null ? "" : seen.errorClass() + ": ") + seen.error();
                latest.merge(
                        seen.cluster() + "/" + seen.member(),
                        new Seen(seen.reachable(), error, seen.observedAt()),
                        (old, now) -> now.observedAt().isBefore(old.observedAt()) ? old : now);
            }
        });
    }

    /** The latest view of {@code member}, when one is younger than {@code maxAge}. */
    public Optional<Seen> of(String cluster, String member, Duration maxAge, Instant now) {
        Seen seen = latest.get(cluster + "/" + member);
        if (seen == null || seen.observedAt().isBefore(now.minus(maxAge))) {
            return Optional.empty();
        }
        return Optional.of(seen);
    }
}
