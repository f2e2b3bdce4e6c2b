package io.pgha.ctl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pghactl restore}: a point-in-time restore into a new cluster, through backup-service's {@code
 * POST /restores}; {@code restore status} shows a request and what the new cluster's agent reports.
 */
@Command(
        name = "restore",
        description = "Restores CLUSTER's backups to a recovery target into a new cluster (backup-service's"
                + " /restores): give exactly one of --time, --lsn, --xid, --name, --immediate, --latest.",
        mixinStandardHelpOptions = true,
        subcommands = {RestoreCommand.Status.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  pghactl restore pgha --time 2026-12-01T10:15:30Z --new-cluster pgha-restored",
            "  pghactl restore pgha --latest --new-cluster copy --backup 20261201T101530Z",
            "  pghactl restore status pgha r-20261201T101530Z-copy"
        })
class RestoreCommand extends ServiceVerb {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CLUSTER", description = "The source cluster")
    String cluster;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target;

    static class Target {
        @Option(names = "--time", paramLabel = "TIME", description = "An ISO-8601 instant, e.g. 2026-12-01T10:15:30Z")
        String time;

        @Option(names = "--lsn", paramLabel = "LSN", description = "A WAL position, e.g. 0/3000060")
        String lsn;

        @Option(names = "--xid", paramLabel = "XID", description = "A transaction id")
        String xid;

        @Option(names = "--name", paramLabel = "NAME", description = "A restore point (pg_create_restore_point)")
        String name;

        @Option(names = "--immediate", description = "As soon as the backup is consistent")
        boolean immediate;

        @Option(names = "--latest", description = "The end of the archive")
        boolean latest;
    }

    @Option(
            names = "--new-cluster",
            paramLabel = "NAME",
            description = "The new cluster to restore into (its agents start with pgha.bootstrap.method=repository)")
    String newCluster;

    @Option(
            names = "--backup",
            paramLabel = "ID",
            description = "The backup to start from (default: the newest that reaches the target)")
    String backup;

    @Option(names = "--exclusive", description = "Stop just before the target rather than just after it")
    boolean exclusive;

    @Override
    int run() {
        if (target == null) {
            throw CtlException.usage(
                    "give a recovery target: one of --time, --lsn, --xid, --name, --immediate or --latest");
        }
        if (newCluster == null || newCluster.isBlank()) {
            throw CtlException.usage("--new-cluster NAME is required: the cluster to restore into");
        }
        ObjectNode body = body(target, newCluster, backup, exclusive);
        String name = cluster(cluster);
        Api.Answer answer = required(
                call(
                        ServiceUrls.Service.BACKUP,
                        name,
                        "POST",
                        BackupCommand.path(name) + "/restores",
                        Json.write(body)),
                "request the restore of " + name);
        var node = Json.read(answer.body(), "the answer");
        out().println("Restore " + node.path("id").asText() + " requested: " + name + " into "
                + node.path("new_cluster").asText() + " from backup "
                + node.path("backup_id").asText("(newest)"));
        if (node.hasNonNull("next")) {
            out().println("Next: " + node.path("next").asText());
        }
        return ExitCode.OK;
    }

    /** The request body; a usage error for a malformed --time or --lsn. Pure. */
    static ObjectNode body(Target t, String newCluster, String backup, boolean exclusive) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode target = body.putObject("target");
        if (t.time != null) {
            try {
                target.put(
                        "time", Instant.parse(t.time.strip().replace(' ', 'T')).toString());
            } catch (DateTimeParseException e) {
                throw CtlException.usage(
                        "--time '" + t.time + "' is not a time: write an ISO-8601 instant like 2026-12-01T10:15:30Z");
            }
        } else if (t.lsn != null) {
            if (!t.lsn.strip().matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
                throw CtlException.usage("--lsn '" + t.lsn + "' is not an LSN like 0/3000060");
            }
            target.put("lsn", t.lsn.strip());
        } else if (t.xid != null) {
            target.put("xid", t.xid.strip());
        } else if (t.name != null) {
            target.put("name", t.name);
        } else if (t.immediate) {
            target.put("immediate", true);
        } else {
            target.put("latest", true);
        }
        if (exclusive) {
            if (t.immediate || t.latest) {
                throw CtlException.usage("--exclusive applies only to --time, --lsn, --xid and --name");
            }
            target.put("inclusive", false);
        }
        if (backup != null) {
            body.put("backup_id", backup);
        }
        body.putObject("destination").put("new_cluster", newCluster);
        return body;
    }

    @Command(
            name = "status",
            description = "A restore request and the state its new cluster's agent reports.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExample:%n",
            footer = {"  pghactl restore status pgha r-20261201T101530Z-copy"})
    static class Status extends ServiceVerb {
        @Parameters(index = "0", paramLabel = "CLUSTER", description = "The source cluster")
        String cluster;

        @Parameters(index = "1", paramLabel = "ID", description = "The restore's id (restore printed it)")
        String id;

        @Override
        int run() {
            String name = cluster(cluster);
            Api.Answer answer = required(
                    call(ServiceUrls.Service.BACKUP, name, "GET", BackupCommand.path(name) + "/restores/" + id, null),
                    "read restore " + id + " of " + name);
            out().println(Json.pretty(Json.read(answer.body(), "the restore")));
            return ExitCode.OK;
        }
    }
}
