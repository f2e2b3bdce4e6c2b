package io.pgha.ctl;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * The launcher's training run for the AppCDS archive (hidden): goes through what a call does (read a
 * cluster view, render every format, YAML, an HTTP call to a closed port) so that the archive holds
 * those classes. Prints nothing.
 */
@Command(name = "cds-training", hidden = true)
class TrainCommand extends Verb {
    private static final String VIEW =
            "{\"cluster\":\"c\",\"leader\":\"a\",\"pause\":true,\"members\":[{\"name\":\"a\","
                    + "\"role\":\"leader\",\"state\":\"running\",\"host\":\"h\",\"port\":1,\"api_url\":\"http://h:1/patroni\","
                    + "\"timeline\":1,\"lag\":0,\"tags\":{\"k\":true}}],\"scheduled_switchover\":{\"from\":\"a\",\"to\":\"b\","
                    + "\"at\":\"x\"}}";

    @Override
    public Integer call() {
        ClusterView view = ClusterView.of(Json.read(VIEW, "training"));
        Map<String, MemberRows.AgentFacts> facts =
                Map.of("a", new MemberRows.AgentFacts(true, Optional.of("x"), Optional.of("1")));
        StringBuilder sink = new StringBuilder();
        for (Table.Format f : Table.Format.values()) {
            sink.append(MemberRows.table(view, true, facts, false, f != Table.Format.PRETTY)
                    .render(f));
        }
        sink.append(MemberRows.footer(view));
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) Json.read("{\"ttl\":10}", "training");
        var after = ConfigEdit.apply(config, List.of(ConfigEdit.setting("ttl=20"), ConfigEdit.parameter("a=b")));
        sink.append(ConfigEdit.diff(Json.yaml(config), Json.yaml(after), "", ""));
        sink.append(ConfigEdit.mergePatch(config, after));
        try {
            new Api(connection()).get(API);
        } catch (CtlException e) {
            sink.append(e.getMessage());
        }
        return sink.isEmpty() ? ExitCode.FAILED : ExitCode.OK;
    }
}
