package io.pgha.backup.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.backup.dump.DumpRecord;
import io.pgha.backup.run.BackupService;
import io.pgha.backup.run.ClusterRunner;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Logical backups (pg_dump -Fc per database): list, take on demand, restore one database into a new one. */
@Path("/api/v1/clusters/{cluster}/dumps")
@Produces(MediaType.APPLICATION_JSON)
public class DumpsResource {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Set<String> FIELDS = Set.of("database", "into");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}");

    @Inject
    BackupService service;

    @GET
    @Operation(summary = "The cluster's logical backups, oldest first")
    public List<DumpRecord> list(@PathParam("cluster") String cluster) {
        try {
            return runner(cluster).dumpCatalog().list();
        } catch (IOException e) {
            throw new ApiException(503, "cannot read the logical backups of " + cluster + ": " + e.getMessage());
        }
    }

    @POST
    @Operation(summary = "Dumps every database now: 202 with the run's id, 409 while one runs")
    public Response take(@PathParam("cluster") String cluster) {
        try {
            String id = runner(cluster).requestDump();
            return Response.accepted(Map.of("id", id, "cluster", cluster, "state", "RUNNING"))
                    .build();
        } catch (ClusterRunner.Refused e) {
            throw new ApiException(e.status(), e.getMessage());
        }
    }

    @POST
    @Path("/{id}/restore")
    @Operation(
            summary = "Restores one database of a logical backup into a new database on the primary (pg_restore)",
            description =
                    "Body: {\"database\": \"app\", \"into\": \"app_restored\"}; 202, the outcome in GET .../status")
    public Response restore(@PathParam("cluster") String cluster, @PathParam("id") String id, String body) {
        ClusterRunner runner = runner(cluster);
        if (id == null || !ID.matcher(id).matches()) {
            throw new ApiException(400, "'" + BackupsResource.shown(id) + "' is not a logical backup id");
        }
        JsonNode node = parse(body);
        String database = name(node, "database");
        String into = name(node, "into");
        DumpRecord record;
        try {
            record = runner.dumpCatalog()
                    .get(id)
                    .orElseThrow(
                            () -> new ApiException(404, "logical backup " + id + " of " + cluster + " does not exist"));
        } catch (IOException e) {
            throw new ApiException(503, "cannot read the logical backups of " + cluster + ": " + e.getMessage());
        }
        if (!"COMPLETE".equals(record.state())) {
            throw new ApiException(
                    409, "logical backup " + id + " is " + record.state() + ": only complete ones restore");
        }
        if (record.databases().stream().noneMatch(d -> d.name().equals(database))) {
            throw new ApiException(
                    404,
                    "logical backup " + id + " has no database " + database + " (it has "
                            + record.databases().stream()
                                    .map(DumpRecord.Database::name)
                                    .toList() + ")");
        }
        try {
            String restoreId = runner.requestDumpRestore(record, database, into);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", restoreId);
            answer.put("dump_id", id);
            answer.put("database", database);
            answer.put("into", into);
            answer.put("state", "RUNNING");
            return Response.accepted(answer).build();
        } catch (ClusterRunner.Refused e) {
            throw new ApiException(e.status(), e.getMessage());
        }
    }

    private ClusterRunner runner(String cluster) {
        BackupsResource.requireCluster(cluster);
        return service.runner(cluster)
                .orElseThrow(() -> new ApiException(404, "backup-service does not serve cluster " + cluster));
    }

    private static JsonNode parse(String body) {
        return JsonBody.object(
                body,
                FIELDS,
                "the request needs a JSON body like {\"database\": \"app\", \"into\": \"app_restored\"}",
                "the body must be a JSON object with database and into",
                "database and into");
    }

    private static String name(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new ApiException(400, field + " is required: a database name");
        }
        if (!DATABASE.matcher(value.asText()).matches()) {
            throw new ApiException(
                    400,
                    field + " '" + BackupsResource.shown(value.asText())
                            + "' is not a database name pgha accepts (1-63 letters, digits, '_', '.', '-')");
        }
        return value.asText();
    }
}
