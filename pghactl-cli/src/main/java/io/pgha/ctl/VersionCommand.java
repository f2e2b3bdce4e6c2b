package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Parameters;

/** {@code pghactl version}: pghactl's version, and each member's agent and PostgreSQL versions. */
@Command(
        name = "version",
        description = "pghactl's version; with a cluster, each member's agent and PostgreSQL versions.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl version pgha"})
class VersionCommand extends Verb {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CLUSTER", description = "The cluster")
    String cluster;

    @Parameters(index = "1..*", paramLabel = "MEMBER", description = "The members (default: all)")
    List<String> names = List.of();

    @Override
    public Integer call() {
        out().println("pghactl version " + version());
        if (cluster == null) {
            return ExitCode.OK;
        }
        out().println();
        for (ClusterView.Member m : view(cluster(cluster)).select(names, ClusterView.Role.ANY)) {
            Optional<JsonNode> p = patroni(m);
            out().println(m.name() + ": "
                    + p.map(n -> "pgha node-agent "
                                    + n.path("patroni").path("version").asText("?") + " PostgreSQL "
                                    + postgres(n.path("server_version").asInt(0)))
                            .orElse("the agent at " + m.apiUrl() + " did not answer"));
        }
        return ExitCode.OK;
    }

    /** {@code 150010} → {@code 15.10} (PostgreSQL 10 and later). */
    static String postgres(int serverVersion) {
        return serverVersion <= 0 ? "?" : (serverVersion / 10000) + "." + (serverVersion % 10000);
    }

    static String version() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** {@code pghactl --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pghactl version " + version()};
        }
    }
}
