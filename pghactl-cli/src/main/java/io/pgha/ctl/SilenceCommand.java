package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pghactl silence}: silences through Alertmanager's API v2 (alert-service leaves grouping, dedupe
 * and silences to Alertmanager). A silence matches {@code alertname} and {@code cluster}, and {@code
 * member} when given.
 */
@Command(
        name = "silence",
        description = "Silence an alert of the cluster in Alertmanager (API v2); silence list / silence expire.",
        mixinStandardHelpOptions = true,
        subcommands = {SilenceCommand.ListSilences.class, SilenceCommand.Expire.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  pghactl silence pgha --alert PghaReplicationLagHigh --duration 2h --comment 'reindexing'",
            "  pghactl silence list pgha",
            "  pghactl silence expire pgha 3f1c...-id"
        })
class SilenceCommand extends ServiceVerb {
    static final String SILENCES = "/api/v2/silences";

    @Parameters(index = "0", arity = "0..1", paramLabel = "CLUSTER", description = "The cluster")
    String cluster;

    @Option(names = "--alert", paramLabel = "NAME", description = "The alert's name (alertname), see pghactl alerts")
    String alert;

    @Option(names = "--member", paramLabel = "MEMBER", description = "Only the alert of this member")
    String member;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description = "How long: 30m, 1h, 2h30m, 1d (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--comment", paramLabel = "TEXT", defaultValue = "silenced with pghactl", description = "Why")
    String comment;

    @Option(names = "--author", paramLabel = "NAME", description = "Who (default: $USER)")
    String author;

    @Override
    int run() {
        if (alert == null || alert.isBlank()) {
            throw CtlException.usage("--alert NAME is required (the alert's name, see pghactl alerts)");
        }
        Duration length = DurationText.parse(duration, "--duration");
        String name = cluster(cluster);
        String by = author != null ? author : main().env.getOrDefault("USER", "pghactl");
        Instant now = Instant.now();
        ObjectNode body = body(name, alert, member, now, now.plus(length), by, comment);
        Api.Answer answer = required(
                call(ServiceUrls.Service.ALERTMANAGER, name, "POST", SILENCES, Json.write(body)), "create the silence");
        String id = Json.read(answer.body(), "Alertmanager's answer")
                .path("silenceID")
                .asText();
        out().println("Silence " + id + " of " + alert + " in " + name + " until " + now.plus(length));
        return ExitCode.OK;
    }

    /** Alertmanager's postable silence. Pure. */
    static ObjectNode body(
            String cluster, String alert, String member, Instant from, Instant to, String by, String comment) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode matchers = body.putArray("matchers");
        matcher(matchers, "alertname", alert);
        matcher(matchers, "cluster", cluster);
        if (member != null) {
            matcher(matchers, "member", member);
        }
        body.put("startsAt", from.toString());
        body.put("endsAt", to.toString());
        body.put("createdBy", by);
        body.put("comment", comment);
        return body;
    }

    private static void matcher(ArrayNode matchers, String name, String value) {
        matchers.addObject()
                .put("name", name)
                .put("value", value)
                .put("isRegex", false)
                .put("isEqual", true);
    }

    static final List<String> COLUMNS = List.of("ID", "State", "Matchers", "Ends", "Created by", "Comment");

    /** The silences as a table, expired ones only with {@code all}. Pure. */
    static Table table(JsonNode silences, boolean all) {
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode s : silences) {
            String state = s.path("status").path("state").asText();
            if (!all && state.equals("expired")) {
                continue;
            }
            List<String> matchers = new ArrayList<>();
            for (JsonNode m : s.path("matchers")) {
                String op = (m.path("isEqual").asBoolean(true) ? "=" : "!")
                        + (m.path("isRegex").asBoolean() ? "~" : "");
                matchers.add(m.path("name").asText()
                        + (op.equals("=") ? "=" : op)
                        + m.path("value").asText());
            }
            rows.add(List.of(
                    s.path("id").asText(),
                    state,
                    String.join(" ", matchers),
                    s.path("endsAt").asText(),
                    s.path("createdBy").asText(),
                    s.path("comment").asText()));
        }
        return new Table(null, COLUMNS, Set.of(), rows);
    }

    @Command(
            name = "list",
            description = "The cluster's silences in Alertmanager (active and pending; --all: also expired).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExample:%n",
            footer = {"  pghactl silence list pgha -f json"})
    static class ListSilences extends ServiceVerb {
        @Mixin
        ClusterArgument cluster;

        @Mixin
        OutputFormat output;

        @Option(names = "--all", description = "Also expired silences")
        boolean all;

        @Override
        int run() {
            Table.Format f = output.format();
            String name = cluster(cluster.name);
            String filter = URLEncoder.encode("cluster=\"" + name + "\"", StandardCharsets.UTF_8);
            Api.Answer answer = required(
                    call(ServiceUrls.Service.ALERTMANAGER, name, "GET", SILENCES + "?filter=" + filter, null),
                    "list the silences");
            out().print(table(Json.read(answer.body(), "Alertmanager's silences"), all)
                    .render(f));
            return ExitCode.OK;
        }
    }

    @Command(
            name = "expire",
            description = "Ends a silence now (Alertmanager's DELETE /api/v2/silence/{id}).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExample:%n",
            footer = {"  pghactl silence expire pgha 9f8e7d6c-..."})
    static class Expire extends ServiceVerb {
        @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster")
        String cluster;

        @Parameters(index = "1", paramLabel = "ID", description = "The silence's id (silence list)")
        String id;

        @Override
        int run() {
            String name = cluster(cluster);
            if (!id.matches("[A-Za-z0-9-]{1,64}")) {
                throw CtlException.usage("'" + id + "' is not a silence id (see pghactl silence list " + name + ")");
            }
            Api.Answer answer = call(ServiceUrls.Service.ALERTMANAGER, name, "DELETE", "/api/v2/silence/" + id, null);
            if (answer.status() == 404) {
                throw CtlException.failed("silence " + id + " does not exist in Alertmanager at " + answer.uri()
                        + " (see pghactl silence list " + name + ")");
            }
            required(answer, "expire silence " + id);
            out().println("Silence " + id + " expired");
            return ExitCode.OK;
        }
    }
}
