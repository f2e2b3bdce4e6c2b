package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pghactl list}: the members, as patronictl lists them. */
@Command(
        name = "list",
        description = "The cluster's members: Member, Host, Role, State, TL, Lag in MB.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  pghactl list", "  pghactl list -e -f json pgha", "  pghactl list -W   # every 2 s until Ctrl-C"})
class ListCommand extends Verb {
    @Mixin
    ClusterArgument cluster;

    @Option(
            names = {"-e", "--extended"},
            description = "Also Pending restart, Scheduled restart and Tags (asks each member's agent)")
    boolean extended;

    @Mixin
    OutputFormat output;

    @Option(
            names = {"-t", "--timestamp"},
            description = "Print the time first")
    boolean timestamp;

    @Option(names = "-W", description = "Watch: print again every 2 s until interrupted")
    boolean watch;

    @Option(
            names = {"-w", "--watch"},
            paramLabel = "SECONDS",
            description = "Watch: print again every SECONDS until interrupted")
    Double interval;

    boolean topology() {
        return false;
    }

    @Override
    public Integer call() throws InterruptedException {
        Table.Format f = output.format();
        String name = cluster(cluster.name);
        boolean watching = watch || interval != null;
        Duration every = Duration.ofMillis(Math.round((interval == null ? 2.0 : interval) * 1000));
        if (every.toMillis() < 100) {
            throw CtlException.usage("-w must be at least 0.1 seconds");
        }
        while (true) {
            ClusterView view = view(name);
            StringBuilder text = new StringBuilder();
            if (watching && System.console() != null) {
                text.append("\033[H\033[2J");
            }
            if (timestamp || watching) {
                text.append(OffsetDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                        .append('\n');
            }
            Map<String, MemberRows.AgentFacts> facts = extended ? facts(view) : Map.of();
            boolean machine = f != Table.Format.PRETTY;
            text.append(
                    MemberRows.table(view, extended, facts, topology(), machine).render(f));
            if (!machine) {
                text.append(MemberRows.footer(view));
            }
            out().print(text);
            out().flush();
            if (!watching) {
                return ExitCode.OK;
            }
            Thread.sleep(every.toMillis());
        }
    }

    private Map<String, MemberRows.AgentFacts> facts(ClusterView view) {
        Map<String, MemberRows.AgentFacts> facts = new LinkedHashMap<>();
        for (ClusterView.Member m : view.members()) {
            Optional<JsonNode> p = patroni(m);
            p.ifPresent(node -> facts.put(
                    m.name(),
                    new MemberRows.AgentFacts(
                            node.path("pending_restart").asBoolean(false),
                            node.hasNonNull("scheduled_restart")
                                    ? Optional.of(node.path("scheduled_restart")
                                            .path("schedule")
                                            .asText(node.path("scheduled_restart")
                                                    .asText()))
                                    : Optional.empty(),
                            node.hasNonNull("database_system_identifier")
                                    ? Optional.of(node.get("database_system_identifier")
                                            .asText())
                                    : Optional.empty())));
        }
        return facts;
    }
}
