package io.pgha.ctl;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pghactl dsn}: a libpq connection string for the leader, a replica or a member. */
@Command(
        name = "dsn",
        description = "A libpq connection string (host=... port=...) for the leader, a replica or --member.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  psql \"$(pghactl dsn) user=postgres\"", "  pghactl dsn --role replica"})
class DsnCommand extends Verb {
    @Mixin
    ClusterArgument cluster;

    @Option(
            names = {"-r", "--role"},
            paramLabel = "ROLE",
            description = "leader (default), primary, replica or any")
    ClusterView.Role role;

    @Option(
            names = {"-m", "--member"},
            paramLabel = "MEMBER",
            description = "This member")
    String member;

    @Override
    public Integer call() {
        if (role != null && member != null) {
            throw CtlException.usage("--role and --member do not go together");
        }
        String name = cluster(cluster.name);
        ClusterView view = view(name);
        List<ClusterView.Member> chosen = member != null
                ? view.select(List.of(member), ClusterView.Role.ANY)
                : view.select(List.of(), role == null ? ClusterView.Role.LEADER : role);
        if (chosen.isEmpty()) {
            throw CtlException.failed(
                    "No " + (role == null ? "leader" : role.name().toLowerCase()) + " in cluster " + name
                            + " (members: " + String.join(", ", view.names()) + ")");
        }
        ClusterView.Member m = chosen.get(0);
        out().println("host=" + m.host() + " port=" + m.port());
        return ExitCode.OK;
    }
}
