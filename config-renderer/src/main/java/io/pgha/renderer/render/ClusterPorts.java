package io.pgha.renderer.render;

/**
 * Where HAProxy listens for one cluster.
 *
 * @param readWrite the read-write port (to the primary)
 * @param readOnly the read-only port (to the replicas)
 */
public record ClusterPorts(int readWrite, int readOnly) {}
