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
 * What the body of a POST action ({@code /restart}, {@code /reload}, {@code /reinitialize}) may hold,
 * decided before anything runs. Patroni takes options there as a JSON object; pgha carries out none of
 * its scheduled or conditional variants ({@code schedule}, {@code role}, {@code restart_pending}, ...),
 * so a request with one is refused rather than run now and unconditionally. A pure function.
 */
public final class ActionBody {
    /** The largest body read (bytes): options are a few dozen. */
    public static final int LIMIT = 16 * 1024;

    /** The options each action accepts; {@code force} (Patroni's reinit option) changes nothing here. */
    private static final Map<String, Set<String>> OPTIONS =
            Map.of("/restart", Set.of(), "/reload", Set.of(), "/reinitialize", Set.of("force"));

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
            problems.add("pgha does not support " + String.join(", ", unsupported)
                    + " (no scheduled or conditional actions): send an empty body or {}"
                    + (accepted.isEmpty() ? "" : " with " + String.join(", ", accepted)));
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(what + ": " + String.join("; ", problems));
    }

    /** A name as it may be echoed: control characters replaced, at most 64 characters. */
    private static String shown(String name) {
        String printable = name.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
