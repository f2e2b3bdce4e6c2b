package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
