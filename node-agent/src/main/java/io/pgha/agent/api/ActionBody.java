package io.pgha.agent.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the body of {@code POST /reload} and {@code POST /reinitialize} may hold, decided before anything
 * runs: empty, or a JSON object of the options pgha carries out ({@code /reinitialize}: Patroni's {@code
 * force} and {@code from-leader}, also spelt {@code from_leader}); anything else is refused naming it
 * rather than ignored. {@code POST /restart}'s body is read by {@code decide/RestartRequest}. A pure
 * function.
 */
public final class ActionBody {
    /** The largest body read (bytes): options are a few dozen. */
    public static final int LIMIT = 16 * 1024;

    /** The options each action accepts (all of them true or false). */
    private static final Map<String, Set<String>> OPTIONS =
            Map.of("/reload", Set.of(), "/reinitialize", Set.of("force", "from-leader", "from_leader"));

    private ActionBody() {}

    /** Why {@code body} cannot be run as {@code POST path}, or empty when it can. */
    public static Optional<String> problem(String path, String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        String what = "POST " + path;
        JsonNode node;
        try {
            node = Json.MAPPER
                    .reader()
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(body);
        } catch (Exception e) {
            return Optional.of(what + ": the body is not valid JSON ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); send an empty body or {}");
        }
        if (node == null || !node.isObject()) {
            return Optional.of(what + ": the body must be empty or a JSON object of options, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        Set<String> accepted = OPTIONS.getOrDefault(path, Set.of());
        Set<String> unsupported = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!accepted.contains(field.getKey())) {
                unsupported.add(shown(field.getKey()));
            } else if (!field.getValue().isBoolean()) {
                problems.add(field.getKey() + " must be true or false");
            }
        }
        if (!unsupported.isEmpty()) {
            problems.add("unknown option(s) " + String.join(", ", unsupported) + ": send an empty body or {}"
                    + (accepted.isEmpty() ? "" : " with " + String.join(", ", new TreeSet<>(accepted))));
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(what + ": " + String.join("; ", problems));
    }

    /** Whether the option {@code name} is true in {@code body} (one that {@link #problem} accepted). */
    public static boolean flag(String body, String name) {
        if (body == null || body.isBlank()) {
            return false;
        }
        try {
            return Json.MAPPER.readTree(body).path(name).asBoolean(false);
        } catch (Exception e) {
            return false;
        }
    }

    /** A name as it may be echoed: control characters replaced, at most 64 characters. */
    private static String shown(String name) {
        String printable = name.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
