package io.pgha.monitor.decide;

import io.pgha.events.NodeHealthEvent.NodeHealthObserved;

/** Turns a probe result into the event of the public contract. Pure. */
public final class Observations {
    private Observations() {}

    /** The {@code NodeHealthObserved} for {@code result}, with {@code lag} bytes (null when unknown). */
    public static NodeHealthObserved event(
            String cluster, String member, String observer, ProbeResult result, Long lag) {
        return new NodeHealthObserved(
                cluster,
                member,
                observer,
                result.observedAt(),
                result.reachable(),
                result.reachable() ? null : result.errorClass(),
                result.reachable() ? null : result.error(),
                result.role(),
                result.timeline(),
                result.lsn(),
                result.receiveLsn(),
                result.replayLsn(),
                result.reachable() ? lag : null,
                result.lagSeconds(),
                result.latencyMs(),
                result.connections(),
                result.maxConnections());
    }
}
