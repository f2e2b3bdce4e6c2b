package io.pgha.coordinator.run;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The manual failover asked through REST for one cluster: at most one at a time, from the request
 * until its answer; another one meanwhile is refused ({@link ManualFailoverInFlight}, 409).
 */
final class ManualRequests {
    /** A manual failover to {@code candidate}; {@code done} completes with an error message or null. */
    record Request(String candidate, boolean ignoreLag, CompletableFuture<String> done) {}

    private final String cluster;
    private final AtomicReference<Request> pending = new AtomicReference<>();

    ManualRequests(String cluster) {
        this.cluster = cluster;
    }

    /** @throws ManualFailoverInFlight while an earlier one has not been answered yet */
    CompletableFuture<String> ask(String candidate, boolean ignoreLag) {
        Request request = new Request(candidate, ignoreLag, new CompletableFuture<>());
        if (!pending.compareAndSet(null, request)) {
            Request earlier = pending.get();
            throw new ManualFailoverInFlight(cluster, earlier == null ? candidate : earlier.candidate());
        }
        return request.done();
    }

    /** The request waiting for its answer, or null. */
    Request pending() {
        return pending.get();
    }

    /** Answers {@code request} and lets the next one in (cleared first: its caller may ask again at once). */
    void answer(Request request, String failure) {
        pending.compareAndSet(request, null);
        request.done().complete(failure);
    }
}
