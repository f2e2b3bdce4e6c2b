package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code edit-config}'s decisions: the changes an operator asked for ({@code -s key=value}, {@code -p
 * param=value}, {@code --apply file}) applied to the dynamic config, and the JSON merge patch (RFC 7396)
 * that turns the old config into the new one, which is what is sent. Pure.
 */
public final class ConfigEdit {
    private ConfigEdit() {}

    /**
     * One {@code -s} or {@code -p}: the path of keys and the value (YAML: {@code 20} is a number, {@code
     * true} a boolean, {@code null} or nothing removes the key).
     */
    public record Assignment(List<String> path, JsonNode value) {}

    /** {@code -s loop_wait=5}, {@code -s postgresql.use_pg_rewind=true}: dots separate the keys. */
    public static Assignment setting(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw CtlException.usage("-s needs key=value (e.g. -s ttl=20 or -s postgresql.parameters.work_mem=8MB),"
                    + " got '" + text + "'");
        }
        List<String> path = List.of(text.substring(0, eq).strip().split("\\."));
        if (path.stream().anyMatch(String::isBlank)) {
            throw CtlException.usage("-s " + text + ": the key has an empty part");
        }
        return new Assignment(path, value(text.substring(eq + 1), "-s " + text));
    }

    /** {@code -p work_mem=8MB}: a PostgreSQL parameter, under {@code postgresql.parameters}. */
    public static Assignment parameter(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || text.substring(0, eq).isBlank()) {
            throw CtlException.usage("-p needs parameter=value (e.g. -p work_mem=8MB), got '" + text + "'");
        }
        return new Assignment(
                List.of("postgresql", "parameters", text.substring(0, eq).strip()),
                value(text.substring(eq + 1), "-p " + text));
    }

    private static JsonNode value(String raw, String what) {
        if (raw.isBlank()) {
            return JsonNodeFactory.instance.nullNode();
        }
        return Json.readYaml(raw, what);
    }

    /** {@code config} with every assignment applied (a copy); a null value removes the key. */
    public static ObjectNode apply(ObjectNode config, List<Assignment> assignments) {
        ObjectNode next = config.deepCopy();
        for (Assignment a : assignments) {
            ObjectNode parent = next;
            for (String key : a.path().subList(0, a.path().size() - 1)) {
                JsonNode child = parent.get(key);
                if (!(child instanceof ObjectNode)) {
                    if (a.value().isNull()) {
                        parent = null;
                        break;
                    }
                    child = parent.putObject(key);
                }
                parent = (ObjectNode) child;
            }
            if (parent == null) {
                continue;
            }
            String last = a.path().get(a.path().size() - 1);
            if (a.value().isNull()) {
                parent.remove(last);
            } else {
                parent.set(last, a.value());
            }
        }
        return next;
    }

    /** {@code config} with {@code patch} merged in (RFC 7396: objects merge, null removes); a copy. */
    public static ObjectNode merge(ObjectNode config, ObjectNode patch) {
        ObjectNode next = config.deepCopy();
        mergeInto(next, patch);
        return next;
    }

    private static void mergeInto(ObjectNode target, ObjectNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (e.getValue().isNull()) {
                target.remove(e.getKey());
            } else if (e.getValue() instanceof ObjectNode inner) {
                ObjectNode into = target.get(e.getKey()) instanceof ObjectNode o ? o : target.putObject(e.getKey());
                mergeInto(into, inner);
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    /** The merge patch that makes {@code after} out of {@code before}: changed keys only, null for removed. */
    public static ObjectNode mergePatch(ObjectNode before, ObjectNode after) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        before.fieldNames().forEachRemaining(key -> {
            if (!after.has(key)) {
                patch.putNull(key);
            }
        });
        after.fields().forEachRemaining(e -> {
            JsonNode old = before.get(e.getKey());
            if (old instanceof ObjectNode o && e.getValue() instanceof ObjectNode n) {
                ObjectNode inner = mergePatch(o, n);
                if (!inner.isEmpty()) {
                    patch.set(e.getKey(), inner);
                }
            } else if (old == null || !old.equals(e.getValue())) {
                patch.set(e.getKey(), e.getValue());
            }
        });
        return patch;
    }

    /**
     * A unified diff of two texts (the config as YAML before and after), with {@code ---}/{@code +++}
     * headers and hunks of 3 lines of context; empty when equal.
     */
    public static String diff(String before, String after, String fromName, String toName) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        if (a.equals(b)) {
            return "";
        }
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        // the edit script: ' ' kept, '-' removed, '+' added, with each line's position in a and b
        List<char[]> ops = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<int[]> positions = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                ops.add(new char[] {' '});
                texts.add(a.get(i));
                positions.add(new int[] {i++, j++});
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new char[] {'-'});
                texts.add(a.get(i));
                positions.add(new int[] {i++, j});
            } else {
                ops.add(new char[] {'+'});
                texts.add(b.get(j));
                positions.add(new int[] {i, j++});
            }
        }
        StringBuilder out = new StringBuilder("--- " + fromName + "\n+++ " + toName + "\n");
        int context = 3;
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k)[0] == ' ') {
                k++;
                continue;
            }
            int start = Math.max(0, k - context);
            int end = k;
            // extend the hunk while the next change is within 2*context kept lines
            int last = k;
            for (int m = k; m < ops.size(); m++) {
                if (ops.get(m)[0] != ' ') {
                    if (m - last > 2 * context) {
                        break;
                    }
                    last = m;
                }
            }
            end = Math.min(ops.size(), last + context + 1);
            int aStart = positions.get(start)[0];
            int bStart = positions.get(start)[1];
            int aLen = 0;
            int bLen = 0;
            for (int m = start; m < end; m++) {
                char op = ops.get(m)[0];
                if (op != '+') {
                    aLen++;
                }
                if (op != '-') {
                    bLen++;
                }
            }
            out.append("@@ -")
                    .append(aLen == 0 ? aStart : aStart + 1)
                    .append(',')
                    .append(aLen)
                    .append(" +")
                    .append(bLen == 0 ? bStart : bStart + 1)
                    .append(',')
                    .append(bLen)
                    .append(" @@\n");
            for (int m = start; m < end; m++) {
                out.append(ops.get(m)[0]).append(texts.get(m)).append('\n');
            }
            k = end;
        }
        return out.toString();
    }
}
