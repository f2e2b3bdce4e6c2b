package io.pgha.renderer.service;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/haproxy} shows: the configuration HAProxy runs, its version per cluster,
 * what the renderer did and what it refused.
 *
 * @param configPath the configuration file
 * @param hash the first 12 hex digits of the SHA-256 of the applied file (null before the first apply)
 * @param appliedAt when it was applied (or found already in force)
 * @param caughtUp whether pgha.topology has been read to its end since start
 * @param reloadPending true when the file is in place but HAProxy could not be reached to reload it yet
 * @param clusters each cluster in the applied file
 * @param reloads reloads since start
 * @param runtimeUpdates server-state changes made through the runtime API since start
 * @param writes configuration files swapped in since start
 * @param rejected changes refused since start
 * @param lastError the last refusal, or null
 * @param errors the most recent refusals, newest first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RendererStatus(
        String configPath,
        String hash,
        Instant appliedAt,
        boolean caughtUp,
        boolean reloadPending,
        List<ClusterVersion> clusters,
        long reloads,
        long runtimeUpdates,
        long writes,
        long rejected,
        ApplyError lastError,
        List<ApplyError> errors) {

    /**
     * One cluster's part of the applied configuration.
     *
     * @param version {@code <epoch>-<hash>}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ClusterVersion(String cluster, long epoch, String version, String leader, List<String> members) {}
}
