package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Takes secrets out of what {@code pghactl report} writes. Pure. Removed: the value of every field whose
 * name says it holds one (password, secret, token, key, credential, auth, ...), the password of a URL
 * ({@code postgres://user:pw@host}), {@code password=...} in a connection string, a bearer token, and
 * every literal secret pghactl itself knows (the API token it uses), wherever it appears.
 */
public final class Redaction {
    /** What a secret is replaced with. */
    public static final String MASK = "<redacted>";

    private static final Pattern SECRET_NAME = Pattern.compile(
            "pass(word|wd)?|secret|token|credential|private[_-]?key|api[_-]?key|access[_-]?key|auth(orization)?"
                    + "|session[_-]?key|cookie|pgpass",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern URL_PASSWORD = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/:@\\s]*:)[^@/\\s]+@");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "((?:password|passwd|secret|token|sslpassword)[\"']?\\s*[=:]\\s*)('[^']*'|\"[^\"]*\"|[^\\s,;&\"']+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+");

    private Redaction() {}

    /** Whether a field of this name holds a secret. */
    public static boolean secretName(String name) {
        return SECRET_NAME.matcher(name).find();
    }

    /** A copy of {@code node} with every secret replaced by {@link #MASK}. */
    public static JsonNode json(JsonNode node, Collection<String> known) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode copy = Json.MAPPER.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                boolean secret = secretName(f.getKey())
                        && !f.getValue().isContainerNode()
                        && !f.getValue().isNull()
                        && !f.getValue().isBoolean()
                        && !harmless(f.getKey());
                copy.set(f.getKey(), secret ? TextNode.valueOf(MASK) : json(f.getValue(), known));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = Json.MAPPER.createArrayNode();
            node.forEach(element -> copy.add(json(element, known)));
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(text(node.asText(), known));
        }
        return node;
    }

    /** {@code text} with every secret in it replaced by {@link #MASK}. */
    public static String text(String text, Collection<String> known) {
        String out = text;
        for (String secret : known) {
            if (secret != null && secret.length() >= 4) {
                out = out.replace(secret, MASK);
            }
        }
        out = URL_PASSWORD.matcher(out).replaceAll("$1" + MASK + "@");
        out = KEY_VALUE.matcher(out).replaceAll("$1" + MASK);
        out = BEARER.matcher(out).replaceAll("$1" + MASK);
        return out;
    }

    /** Names that match the pattern but hold no secret (where a token file is, whether auth is on). */
    private static boolean harmless(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith("_file") || n.endsWith("-file") || n.endsWith("file") || n.equals("auth_method");
    }
}
