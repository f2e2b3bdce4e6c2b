package io.pgha.alert.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.pgha.alert.engine.AlertEngine;
import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertState;
import io.pgha.core.EtcdLayout;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The alerts this replica has firing, per cluster (what it hands to Alertmanager). */
@Path("/api/v1/clusters")
@Produces(MediaType.APPLICATION_JSON)
public class AlertsResource {
    @Inject
    AlertEngine engine;

    @GET
    @Operation(summary = "The clusters seen on the event streams")
    public Clusters clusters() {
        return new Clusters(engine.clusters(), engine.replaying());
    }

    @GET
    @Path("{cluster}/alerts")
    @Operation(summary = "The alerts firing for a cluster: name, fingerprint, labels, annotations, starts_at")
    public Response alerts(@PathParam("cluster") String cluster) {
        try {
            EtcdLayout.requireName("cluster", cluster);
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        return engine.state(cluster)
                .map(state -> Response.ok(new ClusterAlerts(
                                cluster,
                                engine.replaying(),
                                new TreeMap<>(state.active())
                                        .values().stream()
                                                .map(AlertsResource::view)
                                                .toList(),
                                lastEvents(state)))
                        .build())
                .orElseGet(() -> error(
                        Response.Status.NOT_FOUND,
                        "no events of cluster '" + cluster + "' seen"
                                + (engine.replaying() ? " yet (still replaying the topics)" : "")
                                + "; see GET /api/v1/clusters"));
    }

    /** Per producer ({@code health-monitor}, {@code coordinator}, {@code backup-service}) its newest event's time. */
    private static Map<String, Instant> lastEvents(AlertState state) {
        Map<String, Instant> out = new TreeMap<>();
        state.lastEventAt()
                .forEach((producer, at) ->
                        out.put(producer.name().toLowerCase(Locale.ROOT).replace('_', '-'), at));
        return out;
    }

    private static Response error(Response.Status status, String reason) {
        return Response.status(status).entity(Map.of("error", reason)).build();
    }

    private static AlertView view(Alert a) {
        return new AlertView(
                a.name().name(),
                a.fingerprint(),
                a.severity().name().toLowerCase(Locale.ROOT),
                a.member(),
                a.labels(),
                a.annotations(),
                a.startsAt());
    }

    /** The clusters seen; {@code replaying} while the state is still being rebuilt. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Clusters(List<String> clusters, boolean replaying) {}

    /**
     * One cluster's firing alerts, and per producer the time of the newest event folded (how far this
     * replica has read: a client can wait until it is past a moment it cares about).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ClusterAlerts(
            String cluster, boolean replaying, List<AlertView> alerts, Map<String, Instant> lastEventAt) {}

    /** One alert as Alertmanager gets it (labels identify it; the fingerprint is over the labels). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AlertView(
            String alertname,
            String fingerprint,
            String severity,
            String member,
            Map<String, String> labels,
            Map<String, String> annotations,
            Instant startsAt) {}
}
