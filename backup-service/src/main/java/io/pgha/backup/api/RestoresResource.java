package io.pgha.backup.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.backup.decide.RestoreValidation;
import io.pgha.backup.run.BackupService;
import io.pgha.backup.run.ClusterRunner;
import io.pgha.core.Json;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.events.BackupEvent;
import io.pgha.messaging.EventPublisher;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.restore.RecoveryTarget;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Point-in-time restores: a request for a new cluster is written to that cluster's restore request
 * key, where its agents (bootstrap method {@code repository}) pick it up and report progress in its
 * restore status key.
 */
@Path("/api/v1/clusters/{cluster}/restores")
@Produces(MediaType.APPLICATION_JSON)
public class RestoresResource {
    private static final DateTimeFormatter ID =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> FIELDS = Set.of("target", "backup_id", "destination");
    private static final Set<String> DESTINATION_FIELDS = Set.of("new_cluster", "replica");

    @Inject
    BackupService service;

    @Inject
    EventPublisher events;

    @POST
    @Operation(
            summary = "Restores a backup to a target into a new cluster: 202 with the request's id",
            description = "Body: {\"target\": {\"time\": \"2026-12-01T10:15:30Z\"} (or lsn, xid, name, immediate,"
                    + " latest), \"backup_id\": optional, \"destination\": {\"new_cluster\": \"name\"}}")
    public Response request(@PathParam("cluster") String cluster, String body) {
        BackupsResource.requireCluster(cluster);
        RestoreValidation.Request request = parse(body);
        RestoreValidation.Destination destination = request.newCluster() == null
                ? new RestoreValidation.Destination(false, false, false)
                : destination(request.newCluster());
        RestoreValidation.Verdict verdict = RestoreValidation.check(cluster, request, records(cluster), destination);
        if (!verdict.accepted()) {
            throw new ApiException(verdict.status(), String.join("; ", verdict.problems()));
        }
        // everything committed until now reaches the archive before the new cluster replays it
        try {
            service.runner(cluster).ifPresent(ClusterRunner::archiveUpToNow);
        } catch (ClusterRunner.Refused e) {
            throw new ApiException(e.status(), e.getMessage());
        }
        Instant now = Instant.now();
        String id = "r-" + ID.format(now) + "-" + request.newCluster();
        String backupId = verdict.backup().map(BackupRecord::id).orElse(null);
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("id", id);
        json.put("source_cluster", cluster);
        json.put("backup_id", backupId);
        json.set("target", Json.MAPPER.valueToTree(request.target()));
        json.put("requested_at", now.toString());
        boolean created;
        try {
            created = service.store().createRestoreRequest(request.newCluster(), Json.write(json));
        } catch (RuntimeException e) {
            throw notWritten(request.newCluster(), e);
        }
        if (!created) {
            throw new ApiException(409, "cluster " + request.newCluster() + " already has a restore request");
        }
        events.publish(new BackupEvent.RestoreRequested(
                cluster, id, backupId, request.target().describe(), request.newCluster(), now));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        answer.put("new_cluster", request.newCluster());
        answer.put("backup_id", backupId);
        answer.put("state", "requested");
        answer.put(
                "next",
                "start the new cluster's agents with pgha.bootstrap.method=repository and" + " pgha.cluster="
                        + request.newCluster());
        return Response.accepted(answer).build();
    }

    /**
     * The answer when etcd did not take the restore request of {@code newCluster}: 503 with etcd's reason
     * (unreachable, or refused by its RBAC: the {@code pgha-backup} role must be able to write the new
     * cluster's {@code restore/request}).
     */
    static ApiException notWritten(String newCluster, RuntimeException cause) {
        return new ApiException(
                503,
                "could not write the restore request of cluster " + newCluster + " to etcd: " + cause.getMessage()
                        + " (is etcd reachable, and may the pgha-backup role write it? see docs/security.md)");
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A restore request and the status its new cluster's agent reports")
    public Map<String, Object> get(@PathParam("cluster") String cluster, @PathParam("id") String id) {
        BackupsResource.requireCluster(cluster);
        if (id == null || !id.matches("r-[0-9TZ]{16}-[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw new ApiException(400, "'" + BackupsResource.shown(id) + "' is not a restore id (r-<time>-<cluster>)");
        }
        String newCluster = id.substring(19);
        String request = service.store()
                .restoreRequest(newCluster)
                .orElseThrow(() -> new ApiException(404, "restore " + id + " does not exist"));
        JsonNode requestJson = Json.read(request, JsonNode.class, "restore request of " + newCluster);
        if (!id.equals(requestJson.path("id").asText())
                || !cluster.equals(requestJson.path("source_cluster").asText())) {
            throw new ApiException(404, "restore " + id + " of " + cluster + " does not exist");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        answer.put("new_cluster", newCluster);
        answer.put("request", requestJson);
        JsonNode status = service.store()
                .restoreStatus(newCluster)
                .map(s -> Json.read(s, JsonNode.class, "restore status of " + newCluster))
                .orElse(null);
        answer.put("state", status == null ? "requested" : status.path("state").asText("unknown"));
        answer.put("status", status);
        return answer;
    }

    private RestoreValidation.Destination destination(String newCluster) {
        try {
            ClusterSnapshot snap = service.store().read(newCluster);
            return new RestoreValidation.Destination(
                    snap.initialize().isPresent(),
                    !snap.members().isEmpty(),
                    service.store().restoreRequest(newCluster).isPresent());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, BackupsResource.shown(e.getMessage()));
        }
    }

    private List<BackupRecord> records(String cluster) {
        try {
            return service.repository().catalog(cluster).list();
        } catch (IOException e) {
            throw new ApiException(503, "cannot read the catalog of " + cluster + ": " + e.getMessage());
        }
    }

    /** Reads the body; every shape problem is a 400 that says which field. */
    static RestoreValidation.Request parse(String body) {
        JsonNode node = JsonBody.object(
                body,
                FIELDS,
                "the request needs a JSON body with target and destination",
                "the body must be a JSON object with target, destination and maybe backup_id",
                "target, backup_id, destination");
        RecoveryTarget target = null;
        JsonNode t = node.get("target");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                throw new ApiException(400, "target must be an object like {\"time\": \"2026-12-01T10:15:30Z\"}");
            }
            try {
                target = Json.MAPPER
                        .copy()
                        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .treeToValue(t, RecoveryTarget.class);
            } catch (IOException e) {
                throw new ApiException(
                        400,
                        "target is not a recovery target: "
                                + e.getMessage().lines().findFirst().orElse("")
                                + " (give one of time, lsn, xid, name, immediate, latest)");
            }
        }
        String backupId = text(node, "backup_id");
        JsonNode d = node.get("destination");
        if (d == null || !d.isObject()) {
            throw new ApiException(
                    400, "destination is required: {\"new_cluster\": \"<name>\"} or {\"replica\": \"<member>\"}");
        }
        d.fieldNames().forEachRemaining(f -> {
            if (!DESTINATION_FIELDS.contains(f)) {
                throw new ApiException(
                        400, "unknown field destination." + BackupsResource.shown(f) + ": use new_cluster or replica");
            }
        });
        return new RestoreValidation.Request(target, backupId, text(d, "new_cluster"), text(d, "replica"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ApiException(400, field + " must be a string, got " + BackupsResource.shown(value.toString()));
        }
        return value.asText();
    }
}
