package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pghactl history}: the failovers and switchovers, as patronictl's history. */
@Command(
        name = "history",
        description = "The cluster's failovers and switchovers: TL, LSN, Reason, Timestamp, New Leader.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl history -f tsv"})
class HistoryCommand extends Verb {
    static final List<String> COLUMNS = List.of("TL", "LSN", "Reason", "Timestamp", "New Leader");

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "CLUSTER",
            description = "The cluster (default: the only one)")
    String cluster;

    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            defaultValue = "pretty",
            description = "pretty, tsv, json or yaml (default: ${DEFAULT-VALUE})")
    String format;

    @Override
    public Integer call() {
        Table.Format f = Table.Format.parse(format);
        String name = cluster(cluster);
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
