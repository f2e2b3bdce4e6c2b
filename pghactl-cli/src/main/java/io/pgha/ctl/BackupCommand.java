package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pghactl backup list|create|show}: base backups, through backup-service's REST API. */
@Command(
        name = "backup",
        description = "Base backups through backup-service: list, create, show.",
        mixinStandardHelpOptions = true,
        subcommands = {BackupCommand.List.class, BackupCommand.Create.class, BackupCommand.Show.class},
        footerHeading = "%nExamples:%n",
        footer = {"  pghactl backup list pgha", "  pghactl backup create pgha --wait"})
class BackupCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, create or show");
    }

    static final java.util.List<String> COLUMNS = java.util.List.of(
            "Backup", "State", "Member", "TL", "Start LSN", "Stop LSN", "Completed", "Size (MB)", "Pinned");

    /** The backups as a table (backup-service's list, oldest first). Pure. */
    static Table table(JsonNode backups) {
        java.util.List<java.util.List<Object>> rows = new ArrayList<>();
        for (JsonNode b : backups) {
            java.util.List<Object> row = new ArrayList<>();
            row.add(b.path("id").asText());
            row.add(b.path("state").asText());
            row.add(b.path("member").asText(""));
            row.add(b.hasNonNull("timeline") ? b.get("timeline").asInt() : "");
            row.add(b.path("start_lsn").asText(""));
            row.add(b.path("stop_lsn").asText(""));
            row.add(b.path("completed_at").asText(""));
            row.add(b.has("size") ? Math.round(b.path("size").asLong() / 1048576.0 * 10) / 10.0 : "");
            row.add(b.path("pinned").asBoolean() ? "yes" : "");
            rows.add(row);
        }
        return new Table(null, COLUMNS, Set.of("TL", "Size (MB)"), rows);
    }

    static String path(String cluster) {
        return "/api/v1/clusters/" + cluster;
    }

    @Command(
            name = "list",
            description = "The cluster's base backups, oldest first (--all: also running and failed ones).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExample:%n",
            footer = {"  pghactl backup list pgha -f json"})
    static class List extends ServiceVerb {
        @Mixin
        ClusterArgument cluster;

        @Mixin
        OutputFormat output;

        @Option(names = "--all", description = "Also running and failed backups")
        boolean all;

        @Override
        int run() {
            Table.Format f = output.format();
            String name = cluster(cluster.name);
            Api.Answer answer = required(
                    call(
                            ServiceUrls.Service.BACKUP,
                            name,
                            "GET",
                            path(name) + "/backups" + (all ? "?all=true" : ""),
                            null),
                    "list the backups of " + name);
            out().print(table(Json.read(answer.body(), "the backup list")).render(f));
            return ExitCode.OK;
        }
    }

    @Command(
            name = "show",
            description = "One backup, as backup-service's catalog has it (JSON).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExample:%n",
            footer = {"  pghactl backup show pgha 20261201T101530Z"})
    static class Show extends ServiceVerb {
        @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster")
        String cluster;

        @Parameters(index = "1", paramLabel = "BACKUP", description = "The backup's id (see backup list)")
        String id;

        @Override
        int run() {
            String name = cluster(cluster);
            Api.Answer answer = required(
                    call(ServiceUrls.Service.BACKUP, name, "GET", path(name) + "/backups/" + id, null),
                    "show backup " + id + " of " + name);
            out().println(Json.pretty(Json.read(answer.body(), "the backup")));
            return ExitCode.OK;
        }
    }

    @Command(
            name = "create",
            description = "Takes a base backup now (from the most up-to-date replica); --wait until it is complete.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExample:%n",
            footer = {"  pghactl backup create pgha --wait"})
    static class Create extends ServiceVerb {
        static final Duration WAIT = Duration.ofMinutes(30);

        @Mixin
        ClusterArgument cluster;

        @Option(names = "--wait", description = "Wait until the backup is complete or failed (at most 30 min)")
        boolean await;

        @Override
        int run() {
            String name = cluster(cluster.name);
            Api.Answer answer = required(
                    call(ServiceUrls.Service.BACKUP, name, "POST", path(name) + "/backups", null),
                    "start a backup of " + name);
            String id = Json.read(answer.body(), "the answer").path("id").asText();
            out().println("Backup " + id + " of " + name + " started");
            out().flush();
            if (!await) {
                return ExitCode.OK;
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            String last = "RUNNING";
            while (System.nanoTime() < deadline) {
                Api.Answer state = call(ServiceUrls.Service.BACKUP, name, "GET", path(name) + "/backups/" + id, null);
                if (state.ok()) {
                    JsonNode b = Json.read(state.body(), "the backup");
                    last = b.path("state").asText();
                    if (last.equals("COMPLETE")) {
                        out().println("Backup " + id + " complete: "
                                + b.path("stop_lsn").asText() + ", "
                                + b.path("size").asLong() + " bytes");
                        return ExitCode.OK;
                    }
                    if (last.equals("FAILED")) {
                        throw CtlException.failed(
                                "backup " + id + " failed: " + b.path("reason").asText());
                    }
                }
                pause(Duration.ofSeconds(1));
            }
            throw CtlException.failed("backup " + id + " is still " + last + " after " + WAIT.toMinutes() + " min");
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CtlException.failed("interrupted");
        }
    }
}
