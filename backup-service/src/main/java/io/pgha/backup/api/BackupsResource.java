package io.pgha.backup.api;

import io.pgha.backup.run.BackupService;
import io.pgha.backup.run.ClusterRunner;
import io.pgha.backup.run.ClusterStats;
import io.pgha.core.EtcdLayout;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.catalog.Catalog;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Base backups of a cluster: list, show, take on demand, pin; and the cluster's backup status. */
@Path("/api/v1/clusters/{cluster}")
@Produces(MediaType.APPLICATION_JSON)
public class BackupsResource {
    private static final Pattern BACKUP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    @Inject
    BackupService service;

    @GET
    @Path("/backups")
    @Operation(summary = "The cluster's complete backups, oldest first (all=true: also running and failed ones)")
    public List<BackupView> list(@PathParam("cluster") String cluster, @QueryParam("all") boolean all) {
        return records(cluster).stream()
                .filter(r -> all || r.state() == BackupState.COMPLETE)
                .map(BackupView::of)
                .toList();
    }

    @GET
    @Path("/backups/{id}")
    @Operation(summary = "One backup")
    public BackupView get(@PathParam("cluster") String cluster, @PathParam("id") String id) {
        return BackupView.of(record(cluster, id));
    }

    @POST
    @Path("/backups")
    @Operation(summary = "Takes a base backup now: 202 with its id, 409 while one runs")
    public Response take(@PathParam("cluster") String cluster) {
        ClusterRunner runner = runner(cluster);
        try {
            String id = runner.requestBackup();
            return Response.accepted(Map.of("id", id, "cluster", cluster, "state", "RUNNING"))
                    .build();
        } catch (ClusterRunner.Refused e) {
            throw new ApiException(e.status(), e.getMessage());
        }
    }

    @POST
    @Path("/drills")
    @Operation(summary = "Runs a restore drill now: 202 with its id; the outcome shows in GET .../status")
    public Response drill(@PathParam("cluster") String cluster) {
        ClusterRunner runner = runner(cluster);
        try {
            String id = runner.requestDrill();
            return Response.accepted(Map.of("id", id, "cluster", cluster, "state", "RUNNING"))
                    .build();
        } catch (ClusterRunner.Refused e) {
            throw new ApiException(e.status(), e.getMessage());
        }
    }

    @POST
    @Path("/backups/{id}/pin")
    @Operation(summary = "Keeps a complete backup whatever the retention policy says")
    public BackupView pin(@PathParam("cluster") String cluster, @PathParam("id") String id) {
        return setPinned(cluster, id, true);
    }

    @POST
    @Path("/backups/{id}/unpin")
    @Operation(summary = "Lets retention remove the backup again")
    public BackupView unpin(@PathParam("cluster") String cluster, @PathParam("id") String id) {
        return setPinned(cluster, id, false);
    }

    @GET
    @Path("/status")
    @Operation(summary = "Last backup, next scheduled one, WAL archiving on the primary, last restore drill")
    public Map<String, Object> status(@PathParam("cluster") String cluster) {
        ClusterRunner runner = runner(cluster);
        ClusterStats s = runner.stats();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("cluster", cluster);
        status.put("active_instance", runner.activeInstance().orElse(null));
        status.put("this_instance", service.name());
        status.put("last_backup", s.lastComplete() == null ? null : BackupView.of(s.lastComplete()));
        status.put("last_failure", s.lastFailure());
        status.put("running_backup", s.running());
        status.put("next_scheduled", s.nextScheduled());
        Map<String, Object> archiving = new LinkedHashMap<>();
        archiving.put("member", s.archiveMember());
        archiving.put("status", s.archive());
        status.put("archiving", archiving);
        status.put("running_drill", runner.drillRunning());
        status.put("last_drill", s.drill());
        Map<String, Object> logical = new LinkedHashMap<>();
        logical.put("running", runner.dumpRunning());
        logical.put("last_restore", runner.lastDumpRestore());
        status.put("logical_backups", logical);
        return status;
    }

    private BackupView setPinned(String cluster, String id, boolean pinned) {
        ClusterRunner runner = runner(cluster);
        if (!runner.isActive()) {
            throw new ApiException(
                    503,
                    "this backup-service (" + service.name() + ") is not the active one of " + cluster + " (active: "
                            + runner.activeInstance().orElse("none") + "): send the request there");
        }
        BackupRecord record = record(cluster, id);
        if (record.state() != BackupState.COMPLETE) {
            throw new ApiException(
                    409, "backup " + id + " is " + record.state() + ": only complete backups are pinned");
        }
        try {
            BackupRecord changed = record.withPinned(pinned);
            catalog(cluster).save(changed);
            return BackupView.of(changed);
        } catch (IOException e) {
            throw new ApiException(503, "cannot write the catalog of " + cluster + ": " + e.getMessage());
        }
    }

    private ClusterRunner runner(String cluster) {
        requireCluster(cluster);
        return service.runner(cluster)
                .orElseThrow(() -> new ApiException(
                        404,
                        "backup-service does not serve cluster " + cluster + " (not in etcd or pgha.backup.clusters)"));
    }

    private BackupRecord record(String cluster, String id) {
        requireCluster(cluster);
        if (id == null || !BACKUP_ID.matcher(id).matches()) {
            throw new ApiException(400, "'" + shown(id) + "' is not a backup id (e.g. 20261201T101530Z)");
        }
        try {
            return catalog(cluster)
                    .get(id)
                    .orElseThrow(() -> new ApiException(404, "backup " + id + " of " + cluster + " does not exist"));
        } catch (IOException e) {
            throw new ApiException(503, "cannot read the catalog of " + cluster + ": " + e.getMessage());
        }
    }

    private List<BackupRecord> records(String cluster) {
        requireCluster(cluster);
        try {
            return catalog(cluster).list();
        } catch (IOException e) {
            throw new ApiException(503, "cannot read the catalog of " + cluster + ": " + e.getMessage());
        }
    }

    private Catalog catalog(String cluster) {
        return service.repository().catalog(cluster);
    }

    static void requireCluster(String cluster) {
        try {
            EtcdLayout.requireName("cluster", cluster);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, shown(e.getMessage()));
        }
    }

    static String shown(String value) {
        String printable = String.valueOf(value).replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 200 ? printable.substring(0, 200) + "…" : printable;
    }
}
