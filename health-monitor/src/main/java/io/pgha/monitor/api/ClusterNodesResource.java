package io.pgha.monitor.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.pgha.events.Lsn;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.pgha.events.NodeHealthEvent.NodeHealthObserved;
import io.pgha.events.NodeHealthEvent.NodeRole;
import io.pgha.monitor.ProbeScheduler;
import io.pgha.monitor.ProbeScheduler.ClusterSnapshot;
import io.pgha.monitor.ProbeScheduler.NodeState;
import io.pgha.monitor.decide.ProbeResult;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The latest probe result of every member, for the clusters this instance probes. */
@Path("/api/v1/clusters")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterNodesResource {
    @Inject
    ProbeScheduler scheduler;

    /** The clusters probed by this instance. */
    @GET
    public Clusters clusters() {
        return new Clusters(scheduler.observer(), scheduler.clusters());
    }

    /** Every member of {@code cluster} with its latest probe result; 404 when another instance probes it. */
    @GET
    @Path("{cluster}/nodes")
    public Response nodes(@PathParam("cluster") String cluster) {
        return scheduler
                .snapshot(cluster)
                .map(snapshot -> Response.ok(view(cluster, snapshot)).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of(
                                "error",
                                "cluster '" + cluster + "' is not probed by this instance ("
                                        + scheduler.observer() + "): it is unknown or assigned to another"
                                        + " health-monitor instance; see GET /api/v1/clusters"))
                        .build());
    }

    private ClusterNodes view(String cluster, ClusterSnapshot snapshot) {
        List<Node> nodes = snapshot.nodes().entrySet().stream()
                .map(e -> node(e.getKey(), e.getValue()))
                .toList();
        return new ClusterNodes(
                cluster,
                scheduler.observer(),
                snapshot.topology() == null ? null : snapshot.topology().epoch(),
                snapshot.topology() == null ? null : snapshot.topology().leader(),
                nodes);
    }

    private static Node node(String member, NodeState state) {
        NodeHealthObserved h = state.health();
        ProbeResult r = state.result();
        return new Node(
                member,
                state.target().host(),
                state.target().port(),
                h.observedAt(),
                h.reachable(),
                h.errorClass(),
                h.error(),
                h.role(),
                h.timeline(),
                h.lsn(),
                h.receiveLsn(),
                h.replayLsn(),
                h.lag(),
                h.lagSeconds(),
                h.probeLatencyMs(),
                h.connections(),
                h.maxConnections(),
                r.archiveFailedCount(),
                r.archiveLastFailedAt(),
                r.standbys().stream().map(Standby::of).toList(),
                state.nextProbeAt());
    }

    /** The clusters of one instance. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Clusters(String observer, List<String> clusters) {}

    /** One cluster as this instance sees it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ClusterNodes(String cluster, String observer, Long epoch, String leader, List<Node> nodes) {}

    /** One member: the fields of NodeHealthObserved plus what the event does not carry. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Node(
            String member,
            String host,
            int port,
            Instant observedAt,
            boolean reachable,
            ErrorClass errorClass,
            String error,
            NodeRole role,
            Integer timeline,
            Lsn lsn,
            Lsn receiveLsn,
            Lsn replayLsn,
            Long lag,
            Double lagSeconds,
            long probeLatencyMs,
            Integer connections,
            Integer maxConnections,
            Long archiveFailedCount,
            Instant archiveLastFailedAt,
            List<Standby> standbys,
            Instant nextProbeAt) {}

    /** One row of the primary's pg_stat_replication. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Standby(
            String applicationName,
            String clientAddr,
            String state,
            String syncState,
            Lsn sentLsn,
            Lsn replayLsn,
            Double replayLagSeconds) {
        static Standby of(ProbeResult.Standby s) {
            return new Standby(
                    s.applicationName(),
                    s.clientAddr(),
                    s.state(),
                    s.syncState(),
                    s.sentLsn(),
                    s.replayLsn(),
                    s.replayLagSeconds());
        }
    }
}
