package io.pgha.ctl;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pghactl reload}: reload PostgreSQL's configuration on members. */
@Command(
        name = "reload",
        description = "Reload PostgreSQL's configuration on members (POST /reload on each agent); asks unless --force.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl reload pgha --force"})
class ReloadCommand extends MemberAction {
    @Option(
            names = {"-r", "--role"},
            paramLabel = "ROLE",
            defaultValue = "any",
            description = "Only members with this role: leader, primary, replica, any (default)")
    ClusterView.Role role;

    @Option(names = "--force", description = "Do not ask")
    boolean force;

    @Override
    public Integer call() {
        String name = cluster(cluster);
        List<ClusterView.Member> members = members(view(name), role, "reload");
        confirm(force, "reload", members, "");
        boolean failed = false;
        for (ClusterView.Member m : members) {
            Api.Answer answer = api().agent(m.name(), m.apiUrl(), "POST", "/reload", "{}", Duration.ofSeconds(30));
            if (answer.status() == 200) {
                out().println("Success: reload on member " + m.name());
            } else if (answer.status() == 202) {
                out().println("Reload request received for member " + m.name() + " and will be processed soon");
            } else {
                out().println("Failed: reload for member " + m.name() + ", status code=" + answer.status() + ", ("
                        + answer.reason() + ")");
                failed = true;
            }
            out().flush();
        }
        return failed ? ExitCode.FAILED : ExitCode.OK;
    }
}
