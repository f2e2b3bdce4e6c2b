package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pghactl restart}: restart PostgreSQL on members, through each member's agent. */
@Command(
        name = "restart",
        description = "Restart PostgreSQL on members (POST /restart on each agent); asks unless --force.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  pghactl restart pgha pg-1 --force",
            "  pghactl restart pgha --role replica --pending --force",
            "  pghactl restart pgha pg-0 --scheduled 2026-12-24T03:00 --force"
        })
class RestartCommand extends MemberAction {
    /** A restart answers once PostgreSQL is up again. */
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Option(
            names = {"-r", "--role"},
            paramLabel = "ROLE",
            defaultValue = "any",
            description = "Only members with this role: leader, primary, replica, any (default)")
    ClusterView.Role role;

    @Option(names = "--any", description = "Restart one member chosen at random among those selected")
    boolean any;

    @Option(names = "--pending", description = "Only members whose PostgreSQL has settings pending a restart")
    boolean pending;

    @Option(names = "--scheduled", paramLabel = "TIME", description = "When: now (default) or a time")
    String scheduled;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up the restart after this long")
    Integer timeout;

    @Option(names = "--force", description = "Do not ask")
    boolean force;

    @Override
    public Integer call() {
        String name = cluster(cluster);
        ClusterView view = view(name);
        List<ClusterView.Member> members = members(view, role, "restart");
        String when = scheduled;
        if (when == null && !force) {
            when = prompter()
                    .ask(
                            "When should the restart take place (e.g. "
                                    + OffsetDateTime.now()
                                            .plusHours(1)
                                            .withNano(0)
                                            .withSecond(0) + ")",
                            "now");
        }
        Optional<OffsetDateTime> at = Schedule.parse(when, ZoneId.systemDefault(), Instant.now());
        if (at.isPresent() && view.paused()) {
            throw CtlException.failed("Can't schedule restart in the paused state");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (pending) {
            body.put("restart_pending", true);
            if (at.isEmpty()) {
                members = members.stream()
                        .filter(m -> patroni(m)
                                .map(p -> p.path("pending_restart").asBoolean(false))
                                .orElse(false))
                        .toList();
                if (members.isEmpty()) {
                    out().println("No member of " + name + " has settings pending a restart");
                    return ExitCode.OK;
                }
            }
        }
        if (any) {
            members = List.of(members.get(new java.util.Random().nextInt(members.size())));
        }
        at.ifPresent(t -> body.put("schedule", t.toString()));
        if (timeout != null) {
            body.put("timeout", timeout);
        }
        confirm(force, "restart", members, at.map(t -> " at " + t).orElse(""));
        boolean failed = false;
        for (ClusterView.Member m : members) {
            if (at.isPresent() && force) {
                Optional<JsonNode> p = patroni(m);
                if (p.isPresent() && p.get().hasNonNull("scheduled_restart")) {
                    api().agent(m.name(), m.apiUrl(), "DELETE", "/restart", null, Duration.ofSeconds(10));
                }
            }
            Api.Answer answer = api().agent(m.name(), m.apiUrl(), "POST", "/restart", body.toString(), TIMEOUT);
            if (answer.status() == 200) {
                out().println("Success: restart on member " + m.name());
            } else if (answer.status() == 202) {
                out().println("Success: restart scheduled on member " + m.name());
            } else if (answer.status() == 409) {
                out().println("Failed: another restart is already scheduled on member " + m.name());
                failed = true;
            } else {
                out().println("Failed: restart for member " + m.name() + ", status code=" + answer.status() + ", ("
                        + answer.reason() + ")");
                failed = true;
            }
            out().flush();
        }
        return failed ? ExitCode.FAILED : ExitCode.OK;
    }
}
