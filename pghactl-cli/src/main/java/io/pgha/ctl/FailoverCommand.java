package io.pgha.ctl;

import picocli.CommandLine.Command;

/**
 * {@code pghactl failover}: promote a named replica, also when there is no leader or the cluster is
 * paused; a healthy leader hands over gracefully (as a switchover).
 */
@Command(
        name = "failover",
        description = "Promote --candidate (also without a leader, or while paused); asks unless --force.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl failover --candidate pg-2 --force"})
class FailoverCommand extends LeaderChange {
    @Override
    String action() {
        return "failover";
    }

    @Override
    String leader() {
        return null;
    }

    @Override
    String scheduled() {
        return null;
    }
}
