package io.pgha.ctl;

import picocli.CommandLine.Command;

/** {@code pghactl topology}: {@code list} as a tree, the leader first and its replicas under it. */
@Command(
        name = "topology",
        description = "The members as a tree: the leader, then its replicas (+ name).",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl topology pgha"})
class TopologyCommand extends ListCommand {
    @Override
    boolean topology() {
        return true;
    }
}
