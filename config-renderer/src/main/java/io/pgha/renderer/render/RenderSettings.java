package io.pgha.renderer.render;

import java.time.Duration;
import java.util.Map;

/**
 * Everything the rendered configuration depends on besides the topologies: listeners, health-check
 * timing, timeouts and the sockets the renderer drives HAProxy through.
 *
 * @param bindAddress the address every listener binds
 * @param statsPort the port of HAProxy's stats page ({@code /stats}) and Prometheus exporter ({@code /metrics})
 * @param runtimeSocket the path of HAProxy's runtime API socket (level admin)
 * @param serverStateFile where HAProxy reads server states at a reload (saved just before), so that a
 *     member that was down stays down instead of starting up
 * @param maxconn HAProxy's global {@code maxconn}
 * @param hardStopAfter HAProxy's global {@code hard-stop-after}: how long a worker replaced by a reload
 *     keeps its sessions. Such a worker runs no health check, so a session it holds to a primary that
 *     has since lost the leader key would go on writing there (found by the chaos suite); see
 *     config-renderer's DESIGN.md, "Reloads end old sessions"
 * @param timeoutConnect {@code timeout connect}
 * @param timeoutClient {@code timeout client} (long: sessions of a database pool idle for a while)
 * @param timeoutServer {@code timeout server}
 * @param timeoutCheck {@code timeout check}
 * @param inter the health-check interval (the read-write backend's, and the read-only one's {@code
 *     fastinter} and {@code downinter})
 * @param readOnlyInter the read-only backend's interval while its servers are steadily up or down: a
 *     replica is checked twice (read-write and read-only) and each check is a TLS connection to its
 *     agent, so the read-only checks are spaced further (a change is still followed within {@code inter}
 *     once a check sees it)
 * @param fall failed checks before a server is marked down
 * @param rise successful checks before a server is marked up
 * @param maxReplicaLag the {@code lag} of the replica check, e.g. {@code 16MB} (Patroni's {@code /replica?lag=})
 * @param readOnlyBalance the {@code balance} algorithm of the read-only backend
 * @param readOnlyFallbackToPrimary send read-only clients to the primary when no replica is up
 * @param clusters the ports of each cluster this HAProxy serves
 * @param agentCaFile HAProxy's {@code ca-file} for the health checks of agents whose api_url is {@code
 *     https}: the CA's PEM file ({@code pgha.renderer.checks.ca-file}), or {@code @system-ca}
 */
public record RenderSettings(
        String bindAddress,
        int statsPort,
        String runtimeSocket,
        String serverStateFile,
        int maxconn,
        Duration hardStopAfter,
        Duration timeoutConnect,
        Duration timeoutClient,
        Duration timeoutServer,
        Duration timeoutCheck,
        Duration inter,
        Duration readOnlyInter,
        int fall,
        int rise,
        String maxReplicaLag,
        String readOnlyBalance,
        boolean readOnlyFallbackToPrimary,
        Map<String, ClusterPorts> clusters,
        String agentCaFile) {
    /** HAProxy's {@code ca-file} value for the system's CAs. */
    public static final String SYSTEM_CA = "@system-ca";

    public RenderSettings {
        clusters = Map.copyOf(clusters);
    }

    /** Settings whose HTTPS checks trust the system's CAs. */
    public RenderSettings(
            String bindAddress,
            int statsPort,
            String runtimeSocket,
            String serverStateFile,
            int maxconn,
            Duration hardStopAfter,
            Duration timeoutConnect,
            Duration timeoutClient,
            Duration timeoutServer,
            Duration timeoutCheck,
            Duration inter,
            Duration readOnlyInter,
            int fall,
            int rise,
            String maxReplicaLag,
            String readOnlyBalance,
            boolean readOnlyFallbackToPrimary,
            Map<String, ClusterPorts> clusters) {
        this(
                bindAddress,
                statsPort,
                runtimeSocket,
                serverStateFile,
                maxconn,
                hardStopAfter,
                timeoutConnect,
                timeoutClient,
                timeoutServer,
                timeoutCheck,
                inter,
                readOnlyInter,
                fall,
                rise,
                maxReplicaLag,
                readOnlyBalance,
                readOnlyFallbackToPrimary,
                clusters,
                SYSTEM_CA);
    }

    /** The same settings with HTTPS checks verified by {@code caFile}. */
    public RenderSettings withAgentCaFile(String caFile) {
        return new RenderSettings(
                bindAddress,
                statsPort,
                runtimeSocket,
                serverStateFile,
                maxconn,
                hardStopAfter,
                timeoutConnect,
                timeoutClient,
                timeoutServer,
                timeoutCheck,
                inter,
                readOnlyInter,
                fall,
                rise,
                maxReplicaLag,
                readOnlyBalance,
                readOnlyFallbackToPrimary,
                clusters,
                caFile);
    }
}
