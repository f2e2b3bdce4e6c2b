package io.pgha.coordinator.run;

import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.messaging.IncomingEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The health-monitor's outside view, from {@code pgha.node-health}: the latest observation of each
 * member. Each coordinator replica reads the topic in its own consumer group (it needs every cluster).
 * Members and clusters that disappear are forgotten ({@link #retain}, {@link #forget}), and so are
 * observations too old to count ({@link #dropOlderThan}), so the map stays as large as what exists.
 */
@ApplicationScoped
public class HealthView {
    /** A member's latest observation. */
    public record Seen(boolean reachable, String error, Instant observedAt) {}

    /** How far in the future an observation may be dated (clock skew between hosts). */
    static final Duration MAX_SKEW = Duration.ofSeconds(2);

    private final Map<String, Seen> latest = new ConcurrentHashMap<>();
    private final Supplier<Instant> clock;
    /** Told the cluster whose member's reachability just changed (the coordinator wakes its worker). */
    private volatile Consumer<String> onFlip = cluster -> {};

    @Inject
    IncomingEvents incoming;

    public HealthView() {
        this(Instant::now);
    }

    HealthView(Supplier<Instant> clock) {
        this.clock = clock;
    }

    @Incoming("node-health")
    public CompletionStage<Void> consume(Message<byte[]> record) {
        return incoming.handle(record, event -> {
            if (event instanceof NodeHealthObserved seen) {
                record(seen);
            }
        });
    }

    /** Sets who is told when a member's reachability changes (the cluster's name is passed). */
    void onReachabilityChange(Consumer<String> listener) {
        onFlip = listener;
    }

    /**
     * Keeps {@code seen} unless a later observation of its member is known already. A time stamp later
     * than now plus {@link #MAX_SKEW} counts as that: one dated in the future must not hide the next ones.
     * When the kept observation turns the member from reachable to unreachable or back, the listener is
     * told at once: the fast failover's suspicion need not wait for the coordinator's next tick.
     */
    void record(NodeHealthObserved seen) {
        String error =
                seen.reachable() ? null : (seen.errorClass() == null ? "" : seen.errorClass() + ": ") + seen.error();
        Instant latestAllowed = clock.get().plus(MAX_SKEW);
        Instant at = seen.observedAt().isAfter(latestAllowed) ? latestAllowed : seen.observedAt();
        Seen fresh = new Seen(seen.reachable(), error, at);
        Seen[] before = {null};
        Seen kept = latest.compute(key(seen.cluster(), seen.member()), (k, old) -> {
            before[0] = old;
            return old != null && fresh.observedAt().isBefore(old.observedAt()) ? old : fresh;
        });
        if (kept == fresh && (before[0] == null ? !fresh.reachable() : before[0].reachable() != fresh.reachable())) {
            onFlip.accept(seen.cluster());
        }
    }

    /** The latest view of {@code member}, when one is younger than {@code maxAge}. */
    public Optional<Seen> of(String cluster, String member, Duration maxAge, Instant now) {
        Seen seen = latest.get(key(cluster, member));
        if (seen == null || seen.observedAt().isBefore(now.minus(maxAge))) {
            return Optional.empty();
        }
        return Optional.of(seen);
    }

    /** Forgets the members of {@code cluster} that are not in {@code members}. */
    void retain(String cluster, Set<String> members) {
        String prefix = cluster + "/";
        latest.keySet().removeIf(k -> k.startsWith(prefix) && !members.contains(k.substring(prefix.length())));
    }

    /** Forgets every member of {@code cluster}. */
    void forget(String cluster) {
        latest.keySet().removeIf(k -> k.startsWith(cluster + "/"));
    }

    /** Forgets the observations made before {@code cutoff} (they count as none anyway). */
    void dropOlderThan(Instant cutoff) {
        latest.values().removeIf(seen -> seen.observedAt().isBefore(cutoff));
    }

    int size() {
        return latest.size();
    }

    private static String key(String cluster, String member) {
        return cluster + "/" + member;
    }
}
