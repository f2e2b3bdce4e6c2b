package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line itself: help, usage errors and their exit codes (no server). */
class MainTest {
    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, Map.of(), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void everyVerbHasHelpWithAnExample() {
        for (String verb : new String[] {
            "list",
            "topology",
            "history",
            "switchover",
            "failover",
            "pause",
            "resume",
            "show-config",
            "edit-config",
            "restart",
            "reload",
            "reinit",
            "flush",
            "query",
            "remove",
            "dsn",
            "version",
            "status",
            "backup",
            "backup list",
            "backup create",
            "backup show",
            "restore",
            "restore status",
            "alerts",
            "silence",
            "silence list",
            "silence expire",
            "report"
        }) {
            String[] words = (verb + " --help").split(" ");
            Run r = run(words);
            assertThat(r.code()).as(verb).isZero();
            assertThat(r.out())
                    .as(verb)
                    .contains("Usage: pghactl " + verb)
                    .containsPattern("Examples?:\\n  pghactl|psql");
        }
        Run root = run("--help");
        assertThat(root.out()).contains("Exit codes:").contains("4   the token was refused (401)");
    }

    @Test
    void badInputIsAUsageErrorWithExitCode2() {
        Run unknownVerb = run("lsit");
        assertThat(unknownVerb.code()).isEqualTo(ExitCode.USAGE);
        assertThat(unknownVerb.err())
                .contains("Unmatched argument at index 0: 'lsit'")
                .contains("Did you mean");
        Run badFormat = run("list", "-f", "xml", "-k", "http://127.0.0.1:1");
        assertThat(badFormat.code()).isEqualTo(ExitCode.USAGE);
        assertThat(badFormat.err()).contains("unknown format 'xml': use pretty, tsv, json or yaml");
        Run badRole = run("restart", "pgha", "--role", "boss");
        assertThat(badRole.code()).isEqualTo(ExitCode.USAGE);
        assertThat(badRole.err()).contains("--role");
        Run noSql = run("query", "-k", "http://127.0.0.1:1");
        assertThat(noSql.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noSql.err()).contains("give the SQL with -c SQL or with -f FILE");
        Run flushWhat = run("flush", "pgha", "pg-1", "-k", "http://127.0.0.1:1");
        assertThat(flushWhat.code()).isEqualTo(ExitCode.USAGE);
        assertThat(flushWhat.err()).contains("restart or switchover (got 'pg-1')");
        Run noVerb = run();
        assertThat(noVerb.code()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void anUnreachableCoordinatorIsNamedWithExitCode3() {
        Run r = run("list", "pgha", "-k", "http://127.0.0.1:1,http://127.0.0.1:2");
        assertThat(r.code()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(r.err())
                .contains("cannot reach a coordinator (endpoints from --coordinator)")
                .contains("http://127.0.0.1:1/api/v1/clusters/pgha")
                .contains("http://127.0.0.1:2/api/v1/clusters/pgha");
    }

    @Test
    void theCompletionScriptIsGenerated() {
        Run r = run("generate-completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("complete -F").contains("switchover");
    }

    @Test
    void aCallThatNamesItsVerbGetsThatVerbAloneEveryOtherCallGetsThemAll() {
        List<String> all = List.copyOf(Main.VERBS.keySet());
        assertThat(Main.verbsFor(new String[] {"list"})).containsExactly("list");
        assertThat(Main.verbsFor(new String[] {"-k", "http://c:8020", "--token", "t", "list", "pgha", "-e"}))
                .containsExactly("list");
        assertThat(Main.verbsFor(new String[] {"--coordinator=http://c:8020", "-khttp://d:1", "backup", "list"}))
                .containsExactly("backup");
        assertThat(Main.verbsFor(new String[] {"-c", "switchover", "status"})).containsExactly("status");
        assertThat(Main.verbsFor(new String[] {"--version"})).isEmpty();
        assertThat(Main.verbsFor(new String[] {"-V"})).isEmpty();
        for (String[] args : new String[][] {
            {},
            {"--help"},
            {"-h", "list"},
            {"help", "list"},
            {"generate-completion"},
            {"lsit"},
            {"--bogus", "list"},
            {"-k", "http://c:8020"},
            {"--version", "list"}
        }) {
            assertThat(Main.verbsFor(args)).as(String.join(" ", args)).isEqualTo(all);
        }
    }

    @Test
    void theVerbTableMatchesEachCommandsNameAndTheRootsOptions() {
        Main.VERBS.forEach((name, type) ->
                assertThat(type.getAnnotation(CommandLine.Command.class).name()).isEqualTo(name));
        CommandLine root = new CommandLine(new Main());
        assertThat(Main.OPTIONS_WITH_VALUE)
                .isEqualTo(root.getCommandSpec().options().stream()
                        .filter(o -> o.arity().max() > 0)
                        .flatMap(o -> java.util.Arrays.stream(o.names()))
                        .collect(Collectors.toSet()));
    }

    @Test
    void theRootsHelpListsEveryVerbAndAVerbsErrorsNameIt() {
        Run help = run("--help");
        Main.VERBS.keySet().stream().filter(v -> !v.equals("cds-training")).forEach(v -> assertThat(help.out())
                .contains("\n  " + v + " "));
        assertThat(help.out()).doesNotContain("cds-training");
        Run badOption = run("-k", "http://127.0.0.1:1", "list", "--bogus");
        assertThat(badOption.code()).isEqualTo(ExitCode.USAGE);
        assertThat(badOption.err()).contains("Unknown option: '--bogus'").contains("Try 'pghactl list --help'.");
        Run version = run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("pghactl version ");
    }
}
