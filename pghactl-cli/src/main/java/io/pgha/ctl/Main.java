package io.pgha.ctl;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pghactl}: patronictl's verbs against pgha's coordinators and agents.
 *
 * <p>The verbs are registered per call ({@link #VERBS}, {@link #verbsFor}): picocli reads the annotations
 * of every command it is given, which took about 0.4 s for all of them; a call that names its verb gets
 * that verb alone (pghactl-cli/DESIGN.md, "Start-up time").
 */
@Command(
        name = "pghactl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Operate a pgha cluster: list, switchover, failover, pause, edit-config, restart, ...%n"
                + "Like patronictl, against pgha's failover-coordinator and node-agents.",
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
    /** Every verb, by name, in the order {@code --help} lists them (each name is its class's {@code @Command}). */
    static final Map<String, Class<?>> VERBS = verbs();

    /** The options before the verb that take a value (the {@link ConnectionOptions}), in every spelling. */
    static final Set<String> OPTIONS_WITH_VALUE = Set.of(
            "-k",
            "--coordinator",
            "--token",
            "--token-file",
            "--cacert",
            "-c",
            "--config-file",
            "--backup-url",
            "--alert-url",
            "--alertmanager-url");

    private static Map<String, Class<?>> verbs() {
        Map<String, Class<?>> verbs = new LinkedHashMap<>();
        verbs.put("list", ListCommand.class);
        verbs.put("topology", TopologyCommand.class);
        verbs.put("history", HistoryCommand.class);
        verbs.put("switchover", SwitchoverCommand.class);
        verbs.put("failover", FailoverCommand.class);
        verbs.put("pause", PauseCommand.class);
        verbs.put("resume", ResumeCommand.class);
        verbs.put("show-config", ShowConfigCommand.class);
        verbs.put("edit-config", EditConfigCommand.class);
        verbs.put("restart", RestartCommand.class);
        verbs.put("reload", ReloadCommand.class);
        verbs.put("reinit", ReinitCommand.class);
        verbs.put("flush", FlushCommand.class);
        verbs.put("query", QueryCommand.class);
        verbs.put("remove", RemoveCommand.class);
        verbs.put("dsn", DsnCommand.class);
        verbs.put("version", VersionCommand.class);
        verbs.put("status", StatusCommand.class);
        verbs.put("backup", BackupCommand.class);
        verbs.put("restore", RestoreCommand.class);
        verbs.put("alerts", AlertsCommand.class);
        verbs.put("silence", SilenceCommand.class);
        verbs.put("report", ReportCommand.class);
        verbs.put("cds-training", TrainCommand.class);
        verbs.put("generate-completion", AutoComplete.GenerateCompletion.class);
        verbs.put("help", CommandLine.HelpCommand.class);
        return java.util.Collections.unmodifiableMap(verbs);
    }

    /**
     * The verbs a command line needs (pure): the one it names after the root's connection options, or none
     * for a bare {@code --version}; every verb otherwise (no verb, {@code --help}, {@code help}, completion,
     * an unknown word or option: picocli's usage, suggestions and errors then see them all).
     */
    static List<String> verbsFor(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        Optional<String> verb = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (OPTIONS_WITH_VALUE.contains(arg)) {
                i++;
            } else if (arg.startsWith("--")
                    && arg.contains("=")
                    && OPTIONS_WITH_VALUE.contains(arg.substring(0, arg.indexOf('=')))) {
                continue;
            } else if (arg.length() > 2 && (arg.startsWith("-k") || arg.startsWith("-c")) && !arg.startsWith("--")) {
                continue;
            } else {
                verb = Optional.of(arg);
                break;
            }
        }
        return verb.filter(VERBS::containsKey)
                .filter(v -> !v.equals("help") && !v.equals("generate-completion"))
                .map(List::of)
                .orElseGet(() -> List.copyOf(VERBS.keySet()));
    }

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
        for (String verb : verbsFor(args)) {
            cli.addSubcommand(VERBS.get(verb));
        }
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
