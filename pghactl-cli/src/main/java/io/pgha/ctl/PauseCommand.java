package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pghactl pause}: maintenance mode, no automatic failover until {@code resume}. */
@Command(
        name = "pause",
        description = "Maintenance mode: no automatic failover until resume.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl pause --wait"})
class PauseCommand extends Verb {
    /** How long {@code --wait} waits for every member's agent. */
    static final Duration WAIT = Duration.ofSeconds(60);

    @Mixin
    ClusterArgument cluster;

    @Option(names = "--wait", description = "Wait until every member's agent has seen it")
    boolean await;

    boolean pause() {
        return true;
    }

    @Override
    public Integer call() throws InterruptedException {
        String name = cluster(cluster.name);
        ClusterView view = view(name);
        String what = pause() ? "paused" : "resumed";
        if (view.paused() == pause()) {
            throw CtlException.failed("Cluster is " + (pause() ? "already paused" : "not paused"));
        }
        Api.Answer answer = api().coordinator(
                        "POST",
                        API + "/" + name + "/" + (pause() ? "pause" : "resume"),
                        "{}",
                        Map.of(),
                        Duration.ofSeconds(10));
        require(answer, (pause() ? "pause " : "resume ") + name);
        if (await) {
            out().println("'" + (pause() ? "pause" : "resume") + "' request sent, waiting until it is recognized by"
                    + " all nodes");
            out().flush();
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<String> behind = behind(view(name));
            while (!behind.isEmpty()) {
                if (System.nanoTime() - deadline > 0) {
                    throw CtlException.failed("the cluster is " + what + ", but after " + WAIT.toSeconds()
                            + " s these members' agents have not seen it: " + String.join(", ", behind));
                }
                Thread.sleep(500);
                behind = behind(view(name));
            }
        }
        out().println("Success: cluster management is " + what);
        return ExitCode.OK;
    }

    /** The members whose agent does not yet report the wanted pause state (or does not answer). */
    private List<String> behind(ClusterView view) {
        List<String> behind = new ArrayList<>();
        for (ClusterView.Member m : view.members()) {
            Optional<JsonNode> p = patroni(m);
            if (p.isEmpty() || p.get().path("pause").asBoolean(false) != pause()) {
                behind.add(m.name());
            }
        }
        return behind;
    }
}
