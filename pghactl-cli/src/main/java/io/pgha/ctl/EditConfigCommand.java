package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pghactl edit-config}: change the dynamic config; shows the diff and asks unless {@code --force};
 * sends the change with {@code If-Match} so that a concurrent edit is refused, not overwritten.
 */
@Command(
        name = "edit-config",
        description = "Change the dynamic config (-s, -p, --apply, --replace, or $EDITOR); shows the diff and asks"
                + " unless --force.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  pghactl edit-config -s ttl=20 -s loop_wait=5 --force",
            "  pghactl edit-config -p work_mem=8MB -p max_connections=200",
            "  pghactl edit-config --apply changes.yaml      # merged in; null removes a key",
            "  pghactl edit-config --replace whole.yaml --force"
        })
class EditConfigCommand extends Verb {
    @Mixin
    ClusterArgument cluster;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Set a key (dots for nesting: postgresql.use_pg_rewind=true); an empty value or null"
                    + " removes it")
    List<String> sets = new ArrayList<>();

    @Option(
            names = {"-p", "--pg"},
            paramLabel = "PARAM=VALUE",
            description = "Set a PostgreSQL parameter (postgresql.parameters.PARAM)")
    List<String> params = new ArrayList<>();

    @Option(names = "--apply", paramLabel = "FILE", description = "Merge the YAML in FILE (- for stdin)")
    String apply;

    @Option(names = "--replace", paramLabel = "FILE", description = "Replace the whole config by the YAML in FILE")
    String replace;

    @Option(
            names = {"-q", "--quiet"},
            description = "Do not show the diff")
    boolean quiet;

    @Option(names = "--force", description = "Do not ask")
    boolean force;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (apply != null && replace != null) {
            throw CtlException.usage("--apply and --replace do not go together: --apply merges, --replace replaces");
        }
        List<ConfigEdit.Assignment> changes = new ArrayList<>();
        sets.forEach(s -> changes.add(ConfigEdit.setting(s)));
        params.forEach(p -> changes.add(ConfigEdit.parameter(p)));
        String name = cluster(cluster.name);
        Api.Answer current = api().get(API + "/" + name + "/config");
        if (current.status() == 404) {
            view(name);
        }
        require(current, "read the config of " + name);
        JsonNode read = Json.read(current.body(), "the config");
        if (!(read instanceof ObjectNode before)) {
            throw CtlException.failed("the config of " + name + " is not a JSON object");
        }
        ObjectNode after;
        if (replace != null) {
            after = object(Json.readYaml(text(replace), replace), replace);
        } else {
            after = before;
            if (apply != null) {
                after = ConfigEdit.merge(after, object(Json.readYaml(text(apply), apply), apply));
            }
        }
        after = ConfigEdit.apply(after, changes);
        if (replace == null && apply == null && changes.isEmpty()) {
            after = edited(before);
        }
        String oldYaml = Json.yaml(before);
        String newYaml = Json.yaml(after);
        if (oldYaml.equals(newYaml)) {
            out().println("Not changed");
            return ExitCode.OK;
        }
        if (!quiet) {
            out().print(ConfigEdit.diff(oldYaml, newYaml, "", ""));
            out().flush();
        }
        if (!force && !prompter().confirm("Apply these changes?")) {
            throw CtlException.failed("Aborted");
        }
        String method = replace != null ? "PUT" : "PATCH";
        String body = replace != null
                ? after.toString()
                : ConfigEdit.mergePatch(before, after).toString();
        Map<String, String> headers =
                current.etag().map(e -> Map.of("If-Match", e)).orElse(Map.of());
        Api.Answer answer =
                api().coordinator(method, API + "/" + name + "/config", body, headers, Duration.ofSeconds(10));
        if (answer.status() == 409) {
            throw CtlException.failed("the config was changed by someone else meanwhile (" + answer.reason()
                    + "); nothing applied: run edit-config again");
        }
        if (!answer.ok()) {
            throw CtlException.failed("the config was not changed: " + answer.status() + " " + answer.reason());
        }
        out().println("Configuration changed");
        return ExitCode.OK;
    }

    private static ObjectNode object(JsonNode node, String file) {
        if (node instanceof ObjectNode o) {
            return o;
        }
        throw CtlException.usage(file + ": must be a YAML mapping of settings (e.g. ttl: 20)");
    }

    private String text(String file) throws IOException {
        if (file.equals("-")) {
            return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw CtlException.usage("no file " + file);
        }
        return Files.readString(path);
    }

    /** The config after $EDITOR (or vi) has changed it in a temporary file. */
    private ObjectNode edited(ObjectNode before) throws IOException, InterruptedException {
        String editor = main.env.getOrDefault("EDITOR", main.env.getOrDefault("VISUAL", "vi"));
        Path file = Files.createTempFile("pghactl-config-", ".yaml");
        try {
            Files.writeString(file, Json.yaml(before));
            int code = new ProcessBuilder("sh", "-c", editor + " \"$1\"", "sh", file.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
            if (code != 0) {
                throw CtlException.failed("the editor (" + editor + ") exited with " + code + "; nothing changed");
            }
            return object(Json.readYaml(Files.readString(file), "the edited config"), "the edited config");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
