package io.pgha.ctl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pghactl flush}: discard scheduled restarts or a scheduled switchover (patronictl's flush). */
@Command(
        name = "flush",
        description = "Discard scheduled events: restart (DELETE /restart on each agent that has one) or switchover"
                + " (DELETE .../switchover on the coordinator).",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  pghactl flush pgha restart --force           # every member's scheduled restart",
            "  pghactl flush pgha pg-1 restart",
            "  pghactl flush pgha switchover"
        })
class FlushCommand extends Verb {
    @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster")
    String cluster;

    @Parameters(
            index = "1..*",
            arity = "1..*",
            paramLabel = "[MEMBER...] restart|switchover",
            description = "The members (default: all that fit --role), then what to flush: restart or switchover")
    List<String> rest = new ArrayList<>();

    @Option(
            names = {"-r", "--role"},
            paramLabel = "ROLE",
            defaultValue = "any",
            description = "Only members with this role: leader, primary, replica, any (default)")
    ClusterView.Role role;

    @Option(names = "--force", description = "Do not ask")
    boolean force;

    /** What to flush and on which members, from {@code [MEMBER...] restart|switchover}. */
    record Target(String what, List<String> members) {
        static Target of(List<String> rest) {
            String what = rest.isEmpty() ? "" : rest.get(rest.size() - 1);
            if (!what.equals("restart") && !what.equals("switchover")) {
                throw CtlException.usage("name what to flush last: restart or switchover (got '" + what
                        + "'), e.g. pghactl flush pgha pg-1 restart");
            }
            List<String> members = rest.subList(0, rest.size() - 1);
            if (what.equals("switchover") && !members.isEmpty()) {
                throw CtlException.usage("flush switchover takes no member (got " + String.join(", ", members) + ")");
            }
            return new Target(what, List.copyOf(members));
        }
    }

    @Override
    public Integer call() {
        Target target = Target.of(rest);
        String name = cluster(cluster);
        ClusterView view = view(name);
        return target.what().equals("switchover") ? switchover(name, view) : restarts(view, target.members());
    }

    private int restarts(ClusterView view, List<String> names) {
        List<ClusterView.Member> members = view.select(names, role);
        if (members.isEmpty()) {
            throw CtlException.failed(
                    "No " + (role == ClusterView.Role.ANY ? "" : role.name().toLowerCase() + " ")
                            + "members found to flush in cluster " + view.cluster() + " (members: "
                            + String.join(", ", view.names()) + ")");
        }
        if (!force) {
            String list = String.join(
                    ", ", members.stream().map(ClusterView.Member::name).toList());
            if (!prompter().confirm("Are you sure you want to flush scheduled restarts of members " + list + "?")) {
                throw CtlException.failed("Aborted flush");
            }
        }
        boolean failed = false;
        for (ClusterView.Member m : members) {
            boolean scheduled = patroni(m)
                    .map(p -> p.hasNonNull("scheduled_restart"))
                    .orElse(true); // a silent agent is asked anyway: its answer says why
            if (!scheduled) {
                out().println("No scheduled restart for member " + m.name());
                continue;
            }
            Api.Answer answer = api().agent(m.name(), m.apiUrl(), "DELETE", "/restart", null, Duration.ofSeconds(10));
            if (answer.ok()) {
                out().println("Success: flush scheduled restart for member " + m.name());
            } else if (answer.status() == 404) {
                out().println("No scheduled restart for member " + m.name());
            } else {
                out().println("Failed: flush scheduled restart for member " + m.name() + ", status code="
                        + answer.status() + ", (" + answer.reason() + ")");
                failed = true;
            }
            out().flush();
        }
        return failed ? ExitCode.FAILED : ExitCode.OK;
    }

    private int switchover(String name, ClusterView view) {
        Optional<ClusterView.Switchover> scheduled = view.scheduledSwitchover();
        if (scheduled.isEmpty()) {
            out().println("No pending scheduled switchover");
            return ExitCode.OK;
        }
        Api.Answer answer =
                api().coordinator("DELETE", API + "/" + name + "/switchover", null, Map.of(), Duration.ofSeconds(10));
        if (answer.ok()) {
            out().println("Success: " + answer.reason());
            return ExitCode.OK;
        }
        out().println("Failed: " + answer.status() + " from " + answer.uri() + ": " + answer.reason());
        return ExitCode.FAILED;
    }
}
