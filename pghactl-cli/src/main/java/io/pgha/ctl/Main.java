package io.pgha.ctl;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pghactl}: patronictl's verbs against pgha's coordinators and agents. */
@Command(
        name = "pghactl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Operate a pgha cluster: list, switchover, failover, pause, edit-config, restart, ...%n"
                + "Like patronictl, against pgha's failover-coordinator and node-agents.",
        subcommands = {
            ListCommand.class,
            TopologyCommand.class,
            HistoryCommand.class,
            SwitchoverCommand.class,
            FailoverCommand.class,
            PauseCommand.class,
            ResumeCommand.class,
            ShowConfigCommand.class,
            EditConfigCommand.class,
            RestartCommand.class,
            ReloadCommand.class,
            ReinitCommand.class,
            FlushCommand.class,
            QueryCommand.class,
            RemoveCommand.class,
            DsnCommand.class,
            VersionCommand.class,
            StatusCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            AlertsCommand.class,
            SilenceCommand.class,
            ReportCommand.class,
            TrainCommand.class,
            AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the operation failed or was refused (API, agent, unknown cluster or member, 'no' at a prompt)",
            "2:bad input (unknown option or verb, malformed value)",
            "3:no coordinator answered (or none is configured)",
            "4:the token was refused (401)"
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  pghactl list                       # the checkout's ./pgha up cluster",
            "  pghactl -k http://coord:8020 --token-file /etc/pgha/api-token list prod",
            "  source <(pghactl generate-completion)   # bash/zsh completion"
        })
public final class Main implements Runnable {
    @Mixin
    ConnectionOptions options;

    Map<String, String> env = System.getenv();
    private BufferedReader stdin;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "name a verb, e.g. pghactl list");
    }

    Prompter prompter(PrintWriter out) {
        if (stdin == null) {
            stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        return new Prompter(stdin, out);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; the exit code (see {@link ExitCode}). */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        main.env = env;
        CommandLine cli = new CommandLine(main);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CtlException c) {
                line.getErr().println("Error: " + c.getMessage());
                line.getErr().flush();
                return c.exitCode();
            }
            throw e;
        });
        cli.setParameterExceptionHandler((e, args2) -> {
            CommandLine line = e.getCommandLine();
            line.getErr().println("Error: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, line.getErr());
            line.getErr().println("Try '" + line.getCommandSpec().qualifiedName() + " --help'.");
            line.getErr().flush();
            return ExitCode.USAGE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
