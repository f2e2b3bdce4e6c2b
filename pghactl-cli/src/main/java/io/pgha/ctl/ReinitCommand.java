package io.pgha.ctl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pghactl reinit}: rebuild replicas from scratch (a new base backup), through their agents. */
@Command(
        name = "reinit",
        description =
                "Reinitialize replicas (POST /reinitialize on each agent); never the leader; asks unless" + " --force.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl reinit pgha pg-2 --force --wait"})
class ReinitCommand extends MemberAction {
    /** How long {@code --wait} waits for a member to leave "creating replica". */
    static final Duration WAIT = Duration.ofMinutes(30);

    @Option(names = "--force", description = "Do not ask; cancel a reinitialize in progress")
    boolean force;

    @Option(names = "--from-leader", description = "Take the base backup from the leader")
    boolean fromLeader;

    @Option(names = "--wait", description = "Wait until the members run again")
    boolean await;

    @Override
    public Integer call() throws InterruptedException {
        String name = cluster(cluster);
        ClusterView view = view(name);
        view.select(names, ClusterView.Role.ANY).stream()
                .filter(ClusterView.Member::leader)
                .findFirst()
                .ifPresent(m -> {
                    throw CtlException.failed("Member " + m.name() + " is the leader of cluster " + name
                            + ": only replicas are reinitialized (switch over first)");
                });
        List<ClusterView.Member> members = members(view, ClusterView.Role.REPLICA, "reinitialize");
        confirm(force, "reinitialize", members, "");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("force", force);
        if (fromLeader) {
            body.put("from_leader", true);
        }
        boolean failed = false;
        List<ClusterView.Member> started = new ArrayList<>();
        for (ClusterView.Member m : members) {
            Api.Answer answer =
                    api().agent(m.name(), m.apiUrl(), "POST", "/reinitialize", body.toString(), Duration.ofMinutes(5));
            if (answer.ok()) {
                out().println("Success: reinitialize for member " + m.name());
                started.add(m);
            } else {
                out().println("Failed: reinitialize for member " + m.name() + ", status code=" + answer.status() + ", ("
                        + answer.reason() + ")");
                failed = true;
            }
            out().flush();
        }
        if (await && !started.isEmpty()) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            out().println("Waiting for reinitialize to complete on: "
                    + String.join(
                            ", ", started.stream().map(ClusterView.Member::name).toList()));
            out().flush();
            while (!started.isEmpty()) {
                if (System.nanoTime() - deadline > 0) {
                    throw CtlException.failed("reinitialize did not complete within " + WAIT.toMinutes() + " min on "
                            + String.join(
                                    ", ",
                                    started.stream()
                                            .map(ClusterView.Member::name)
                                            .toList()));
                }
                Thread.sleep(2000);
                for (ClusterView.Member m : List.copyOf(started)) {
                    String state =
                            patroni(m).map(p -> p.path("state").asText("")).orElse("");
                    if (state.equals("running") || state.equals("streaming")) {
                        out().println("Reinitialize is completed on: " + m.name());
                        out().flush();
                        started.remove(m);
                    }
                }
            }
        }
        return failed ? ExitCode.FAILED : ExitCode.OK;
    }
}
