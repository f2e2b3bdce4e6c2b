package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pghactl alerts}: the alerts firing for a cluster, as alert-service has them. */
@Command(
        name = "alerts",
        description = "The alerts firing for the cluster (alert-service's GET /api/v1/clusters/{c}/alerts).",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl alerts pgha -f json"})
class AlertsCommand extends ServiceVerb {
    static final List<String> COLUMNS = List.of("Alert", "Severity", "Member", "Since", "Summary");

    @Mixin
    ClusterArgument cluster;

    @Mixin
    OutputFormat output;

    @Override
    int run() {
        Table.Format f = output.format();
        String name = cluster(cluster.name);
        JsonNode alerts = fetch(this, name);
        out().print(table(alerts.path("alerts")).render(f));
        if (f == Table.Format.PRETTY && alerts.path("replaying").asBoolean()) {
            out().println("alert-service is still replaying the event topics: the list may be incomplete");
        }
        return ExitCode.OK;
    }

    /** alert-service's answer for {@code cluster}: 404 (no events seen) is a failure saying so. */
    static JsonNode fetch(ServiceVerb verb, String cluster) {
        Api.Answer answer =
                verb.call(ServiceUrls.Service.ALERTS, cluster, "GET", "/api/v1/clusters/" + cluster + "/alerts", null);
        return Json.read(required(answer, "read the alerts of " + cluster).body(), "alert-service's answer");
    }

    /** The firing alerts as a table. Pure. */
    static Table table(JsonNode alerts) {
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode a : alerts) {
            JsonNode annotations = a.path("annotations");
            String summary = annotations
                    .path("summary")
                    .asText(annotations.path("description").asText(""));
            rows.add(List.of(
                    a.path("alertname").asText(),
                    a.path("severity").asText(""),
                    a.path("member").asText(""),
                    a.path("starts_at").asText(""),
                    summary));
        }
        return new Table(null, COLUMNS, Set.of(), rows);
    }
}
