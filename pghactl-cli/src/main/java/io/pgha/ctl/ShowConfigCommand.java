package io.pgha.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pghactl show-config}: the dynamic config as YAML. */
@Command(
        name = "show-config",
        description = "The cluster's dynamic config (YAML, keys sorted).",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl show-config pgha"})
class ShowConfigCommand extends Verb {
    @Mixin
    ClusterArgument cluster;

    @Override
    public Integer call() {
        String name = cluster(cluster.name);
        Api.Answer answer = api().get(API + "/" + name + "/config");
        if (answer.status() == 404) {
            view(name);
        }
        require(answer, "read the config of " + name);
        out().print(Json.yaml(Json.read(answer.body(), "the config")));
        return ExitCode.OK;
    }
}
