package io.pgha.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pghactl switchover}: a planned change of leader, now or at a time. */
@Command(
        name = "switchover",
        description = "Hand the leader role over to a replica, now or at --scheduled; asks unless --force.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  pghactl switchover --candidate pg-1 --force",
            "  pghactl switchover pgha --leader pg-0 --scheduled 2026-12-24T03:00 --force"
        })
class SwitchoverCommand extends LeaderChange {
    @Option(
            names = {"--leader", "--primary"},
            paramLabel = "MEMBER",
            description = "The current leader (checked; default: asked, or the leader with --force)")
    String leader;

    @Option(
            names = "--scheduled",
            paramLabel = "TIME",
            description = "When: now (default), 2026-12-24T03:00 (local time) or with an offset")
    String scheduled;

    @Override
    String action() {
        return "switchover";
    }

    @Override
    String leader() {
        return leader;
    }

    @Override
    String scheduled() {
        return scheduled;
    }
}
