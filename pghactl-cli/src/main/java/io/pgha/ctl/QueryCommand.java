package io.pgha.ctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pghactl query}: run SQL on a member (the leader by default), as patronictl query does, with
 * PostgreSQL's JDBC driver. Only this verb loads the driver ({@link Sql}), so the others start as before.
 *
 * <p>{@code -c} is the SQL here, as in patronictl query, not the config file: so this verb is not a {@link
 * Verb} (whose connection options include {@code -c}) but uses one, with the connection options other than
 * {@code -c} (and {@code -c} itself before the verb: {@code pghactl -c FILE query ...}).
 */
@Command(
        name = "query",
        description = "Run SQL on a member (default: the leader), connecting to its PostgreSQL with the host and"
                + " port of the cluster view; password from --password (a prompt), PGPASSWORD or ~/.pgpass.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  pghactl query pgha -r replica -U postgres --password --file report.sql --format pretty",
            "  PGPASSFILE=.pgha/pgpass pghactl query -c 'select pg_is_in_recovery()'"
        })
class QueryCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterArgument cluster;

    @Option(
            names = {"-k", "--coordinator"},
            paramLabel = "URL",
            split = ",",
            description = "A coordinator's URL (as before the verb)")
    List<String> coordinators = new ArrayList<>();

    @Option(names = "--token", paramLabel = "TOKEN", description = "The API token (as before the verb)")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the API token")
    Path tokenFile;

    @Option(
            names = "--config-file",
            paramLabel = "FILE",
            description = "pghactl's config file (-c before the verb; here -c is the SQL)")
    Path configFile;

    /** The verb's machinery (connection, cluster view, prompts), without its {@code -c}. */
    private static final class Calls extends Verb {
        @Override
        public Integer call() {
            throw new UnsupportedOperationException();
        }
    }

    @Option(
            names = {"-c", "--command"},
            paramLabel = "SQL",
            description = "The SQL to run")
    String command;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "Run the SQL in this file ('-' for stdin)")
    String file;

    @Option(
            names = {"-m", "--member"},
            paramLabel = "MEMBER",
            description = "Query this member")
    String member;

    @Option(
            names = {"-r", "--role"},
            paramLabel = "ROLE",
            description = "Query a member with this role: leader (default), primary, replica, any")
    ClusterView.Role role;

    @Option(
            names = {"-U", "--username"},
            paramLabel = "USER",
            description = "Database user (default: $PGUSER, else postgres)")
    String user;

    @Option(
            names = {"-d", "--dbname"},
            paramLabel = "DBNAME",
            description = "Database (default: $PGDATABASE, else postgres)")
    String dbname;

    @Option(names = "--password", description = "Ask for the password (else $PGPASSWORD, else ~/.pgpass)")
    boolean askPassword;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "tsv",
            description = "pretty, tsv (default, as patronictl), json or yaml")
    String format;

    @Option(names = "--delimiter", paramLabel = "TEXT", description = "The tsv column delimiter (default: a tab)")
    String delimiter;

    @Override
    public Integer call() {
        Table.Format chosen = Table.Format.parse(format);
        if (role != null && member != null) {
            throw CtlException.usage("--role and --member do not go together");
        }
        String sql = sql();
        Calls calls = new Calls();
        calls.main = main;
        calls.spec = spec;
        calls.options = new ConnectionOptions();
        calls.options.coordinators = coordinators;
        calls.options.token = token;
        calls.options.tokenFile = tokenFile;
        calls.options.configFile = configFile;
        String name = calls.cluster(cluster.name);
        ClusterView view = calls.view(name);
        List<ClusterView.Member> chosenMembers = member != null
                ? view.select(List.of(member), ClusterView.Role.ANY)
                : view.select(List.of(), role == null ? ClusterView.Role.LEADER : role);
        if (chosenMembers.isEmpty()) {
            throw CtlException.failed(
                    "No " + (role == null ? "leader" : role.name().toLowerCase()) + " in cluster " + name
                            + " (members: " + String.join(", ", view.names()) + ")");
        }
        ClusterView.Member m = chosenMembers.get(0);
        String password = askPassword ? calls.prompter().secret("Password: ") : main.env.get("PGPASSWORD");
        Sql.Login login = new Sql.Login(
                m.host(),
                m.port(),
                dbname != null ? dbname : main.env.getOrDefault("PGDATABASE", "postgres"),
                user != null ? user : main.env.getOrDefault("PGUSER", "postgres"),
                password);
        PrintWriter out = spec.commandLine().getOut();
        Sql.Result result = Sql.run(m.name(), login, sql);
        if (result.columns().isEmpty()) {
            out.println(result.tag());
        } else {
            Table table = new Table(null, result.columns(), java.util.Set.of(), result.rows());
            String text = table.render(chosen);
            if (chosen == Table.Format.TSV && delimiter != null) {
                text = text.replace("\t", delimiter);
            }
            out.print(text);
        }
        out.flush();
        return ExitCode.OK;
    }

    private String sql() {
        if ((command == null) == (file == null)) {
            throw CtlException.usage("give the SQL with -c SQL or with -f FILE (one of them)");
        }
        if (command != null) {
            return command;
        }
        try {
            return file.equals("-")
                    ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (IOException e) {
            throw CtlException.usage("cannot read --file " + file + ": " + e.getMessage());
        }
    }
}
