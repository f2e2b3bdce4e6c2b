package io.pgha.renderer.service;

import io.pgha.core.store.RouterReport;
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

    /** The fast failover's fence of {@code cluster} now in force on every worker (null: none). */
    default void fenced(String cluster, RouterReport.Fenced fence) {}

    @Override
    default void close() {}
}
