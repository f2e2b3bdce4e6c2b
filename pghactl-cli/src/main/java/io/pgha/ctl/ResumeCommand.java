package io.pgha.ctl;

import picocli.CommandLine.Command;

/** {@code pghactl resume}: ends maintenance mode. */
@Command(
        name = "resume",
        description = "Ends maintenance mode: automatic failover again.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl resume --wait"})
class ResumeCommand extends PauseCommand {
    @Override
    boolean pause() {
        return false;
    }
}
