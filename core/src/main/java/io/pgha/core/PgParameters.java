package io.pgha.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules for {@code postgresql.parameters} of the dynamic config: PostgreSQL settings every agent
 * writes into the configuration it generates. They end up in postgresql.conf, so a name must look
 * like a parameter, a value must be one scalar without control characters (the agent quotes it), and
 * a parameter pgha sets itself (ports, replication, archiving, files) is refused naming who owns it.
 */
public final class PgParameters {
    /** A parameter name: lower case, digits, '_' and '.' (custom ones, like {@code pg_stat_statements.max}). */
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.]*");

    /** The longest name PostgreSQL accepts (NAMEDATALEN - 1) and the longest value pgha writes. */
    private static final int MAX_NAME = 63;

    private static final int MAX_VALUE = 4096;

    /** The parameters pgha manages itself, with who sets them; a dynamic value would be overridden or break it. */
    public static final Map<String, String> MANAGED = managed();

    private PgParameters() {}

    private static Map<String, String> managed() {
        Map<String, String> m = new TreeMap<>();
        String local = "each agent sets it from its own settings (pgha.postgres.*)";
        String replication = "the agent sets it when it follows a leader";
        String archive = "the agent's WAL archiver sets it (pgha.repository.*, pgha.archive.*)";
        String files = "the agent keeps PostgreSQL's files in its data directory";
        m.put("listen_addresses", local);
        m.put("port", local);
        m.put("unix_socket_directories", local);
        m.put("unix_socket_permissions", local);
        m.put("cluster_name", "it is the member's name, set by its agent");
        m.put("hot_standby", "standbys answer read-only queries: pgha needs it on");
        m.put("wal_log_hints", "pg_rewind needs it on");
        m.put("recovery_target_timeline", "standbys follow the latest timeline: pgha needs it 'latest'");
        m.put("primary_conninfo", replication);
        m.put("primary_slot_name", replication);
        m.put("synchronous_standby_names", "the coordinator's synchronous set (/sync) decides it");
        m.put("archive_mode", archive);
        m.put("archive_command", archive);
        m.put("archive_timeout", archive);
        m.put("restore_command", archive);
        m.put("data_directory", files);
        m.put("config_file", files);
        m.put("hba_file", files);
        m.put("ident_file", files);
        m.put("external_pid_file", files);
        m.put("promote_trigger_file", "the agent promotes with pg_promote()");
        for (String target : List.of(
                "recovery_target",
                "recovery_target_lsn",
                "recovery_target_name",
                "recovery_target_time",
                "recovery_target_xid",
                "recovery_target_inclusive",
                "recovery_target_action")) {
            m.put(target, "a point-in-time restore sets it (pgha.bootstrap.repository.*)");
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The problems with the shape of {@code parameters} (the JSON value of {@code postgresql.parameters}):
     * it must be an object whose values are scalars; a null value is skipped (a merge patch removes
     * it). The names and values themselves are checked by {@link #problems(Map)} once read.
     */
    public static List<String> shapeProblems(JsonNode parameters) {
        List<String> problems = new ArrayList<>();
        if (parameters == null || parameters.isNull()) {
            return problems;
        }
        if (!parameters.isObject()) {
            problems.add("postgresql.parameters must be an object of PostgreSQL parameters, e.g."
                    + " {\"work_mem\": \"16MB\"}, got " + Printable.of(parameters.toString()));
            return problems;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = parameters.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isValueNode()) {
                problems.add("postgresql.parameters." + Printable.of(e.getKey())
                        + " must be a string, a number or true/false, got "
                        + Printable.of(e.getValue().toString()));
            }
        }
        return problems;
    }

    /**
     * Every problem with {@code parameters} (name to value as text), each naming the parameter as
     * {@code postgresql.parameters.<name>}: a name that is not a parameter's, a parameter pgha manages,
     * a value too long or with a control character. Empty when every parameter may be written.
     */
    public static List<String> problems(Map<String, String> parameters) {
        List<String> problems = new ArrayList<>();
        parameters.forEach((name, text) -> {
            String key = "postgresql.parameters." + Printable.of(name);
            if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
                problems.add(key + " is not a PostgreSQL parameter name: use lower-case letters, digits, '_'"
                        + " and '.', starting with a letter or '_', at most " + MAX_NAME + " characters");
            } else if (MANAGED.containsKey(name)) {
                problems.add(key + " is managed by pgha and cannot be set in the dynamic config: " + MANAGED.get(name));
            } else if (name.equals("wal_level") && !text.equals("replica") && !text.equals("logical")) {
                problems.add(key + " must be replica or logical: streaming replication needs at least replica");
            } else if (text.length() > MAX_VALUE) {
                problems.add(key + " is longer than " + MAX_VALUE + " characters");
            } else if (text.chars().anyMatch(Character::isISOControl)) {
                problems.add(key + " contains a control character (a line break would start a new line in"
                        + " postgresql.conf): remove it");
            }
        });
        return problems;
    }

    /**
     * The parameters as text, sorted by name, as they are written into postgresql.conf: {@code true} and
     * {@code false} become {@code on} and {@code off}, numbers their JSON text. Null values are left
     * out. Does not validate (see {@link #problems}).
     */
    public static Map<String, String> read(JsonNode parameters) {
        Map<String, String> values = new TreeMap<>();
        if (parameters == null || !parameters.isObject()) {
            return Map.of();
        }
        parameters.fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                values.put(e.getKey(), text(e.getValue()));
            }
        });
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    private static String text(JsonNode value) {
        if (value.isBoolean()) {
            return value.asBoolean() ? "on" : "off";
        }
        return value.isTextual() ? value.asText() : value.toString();
    }

    /** Text with control characters shown as escapes, for error messages. */
    static final class Printable {
        private Printable() {}

        static String of(String text) {
            StringBuilder b = new StringBuilder();
            for (char c : text.toCharArray()) {
                b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
            String s = b.toString();
            return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }
    }
}
