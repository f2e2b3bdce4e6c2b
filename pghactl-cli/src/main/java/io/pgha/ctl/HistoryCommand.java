package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pghactl history}: the failovers and switchovers, as patronictl's history. */
@Command(
        name = "history",
        description = "The cluster's failovers and switchovers: TL, LSN, Reason, Timestamp, New Leader.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl history -f tsv"})
class HistoryCommand extends Verb {
    static final List<String> COLUMNS = List.of("TL", "LSN", "Reason", "Timestamp", "New Leader");

    @Mixin
    ClusterArgument cluster;

    @Mixin
    OutputFormat output;

    @Override
    public Integer call() {
        Table.Format f = output.format();
        String name = cluster(cluster.name);
        Api.Answer answer = api().get(API + "/" + name + "/history");
        if (answer.status() == 404) {
            view(name); // names the clusters there are
        }
        require(answer, "read the history of " + name);
        out().print(table(Json.read(answer.body(), "the history")).render(f));
        return ExitCode.OK;
    }

    /** The rows of the history key ({@code [timeline, lsn, reason, time, new leader]} each). Pure. */
    static Table table(JsonNode history) {
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode entry : history) {
            List<Object> row = new ArrayList<>();
            for (int i = 0; i < COLUMNS.size(); i++) {
                JsonNode cell = entry.path(i);
                row.add(
                        cell.isMissingNode() || cell.isNull()
                                ? ""
                                : cell.isNumber() ? cell.numberValue() : cell.asText());
            }
            rows.add(row);
        }
        return new Table(null, COLUMNS, Set.of("TL", "LSN"), rows);
    }
}
