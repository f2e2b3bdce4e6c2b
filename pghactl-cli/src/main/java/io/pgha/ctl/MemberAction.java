package io.pgha.ctl;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Parameters;

/** restart, reload, reinit: an action on some members' agents, chosen by name and role. */
abstract class MemberAction extends Verb {
    @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster")
    String cluster;

    @Parameters(index = "1..*", paramLabel = "MEMBER", description = "The members (default: all that fit --role)")
    List<String> names = new ArrayList<>();

    /** The members named (all when none) that play {@code role}; a failure when none is left. */
    List<ClusterView.Member> members(ClusterView view, ClusterView.Role role, String action) {
        List<ClusterView.Member> chosen = view.select(names, role);
        if (chosen.isEmpty()) {
            throw CtlException.failed(
                    "No " + (role == ClusterView.Role.ANY ? "" : role.name().toLowerCase() + " ")
                            + "members found to " + action + " in cluster " + view.cluster() + " (members: "
                            + String.join(", ", view.names()) + ")");
        }
        return chosen;
    }

    /** patronictl's question: {@code Are you sure you want to restart members pg-1, pg-2?}. */
    void confirm(boolean force, String action, List<ClusterView.Member> members, String suffix) {
        if (force) {
            return;
        }
        String list =
                String.join(", ", members.stream().map(ClusterView.Member::name).toList());
        if (!prompter().confirm("Are you sure you want to " + action + " members " + list + suffix + "?")) {
            throw CtlException.failed("Aborted " + action);
        }
    }
}
