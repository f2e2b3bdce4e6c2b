package io.pgha.renderer.service;

import io.pgha.events.TopologyEvent.TopologyChanged;
import java.util.Collection;

/**
 * Where the renderer says which topology its HAProxy routes by, once it does (the coordinator answers
 * a switchover only when every renderer routes to the new leader). Called on the routing thread: an
 * implementation must not block it.
 */
public interface RoutingReports extends AutoCloseable {
    /** Reports nothing (no etcd configured). */
    RoutingReports NONE = inForce -> {};

    /** HAProxy now routes by these topologies (one per cluster). */
    void routed(Collection<TopologyChanged> inForce);

    @Override
    default void close() {}
}
