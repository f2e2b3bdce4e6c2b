package io.pgha.agent.pg;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How every value the agent writes into a PostgreSQL file is quoted: {@code pgha.conf} (included by
 * postgresql.conf), {@code pg_hba.conf}, connection strings ({@code primary_conninfo}, the {@code
 * --dbname} of pg_basebackup and pg_rewind) and {@code pgpass}. One place, pure, so that no value, from
 * the static configuration or read back from etcd, can end a quoted string early or start a new line.
 * Control characters are refused rather than escaped: no legitimate setting needs one, and the error
 * says which setting it was (never the value: it may be a password).
 */
final class PgConfigFiles {
    /** A PostgreSQL parameter name (custom ones, like {@code pg_stat_statements.max}, have a dot). */
    private static final Pattern PARAMETER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    /** An address, CIDR or pg_hba keyword: no blank, quote or comment sign. */
    private static final Pattern HBA_ADDRESS = Pattern.compile("[A-Za-z0-9:._/-]+");

    private PgConfigFiles() {}

    /** The text of {@code pgha.conf}: one {@code name = 'value'} line per setting, in order. */
    static String conf(String header, Map<String, String> settings) {
        StringBuilder text = new StringBuilder(header).append('\n');
        settings.forEach((name, value) -> text.append(setting(name, value)));
        return text.toString();
    }

    /** One postgresql.conf line: the value in single quotes, {@code '} doubled and {@code \} escaped. */
    static String setting(String name, String value) {
        if (name == null || !PARAMETER.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + printable(name) + "' is not a PostgreSQL parameter name"
                    + " (pgha.postgres.parameters.<name>): use letters, digits and '_', with at most one '.'");
        }
        requireNoControlCharacter("the value of PostgreSQL parameter " + name, value);
        return name + " = '" + value.replace("\\", "\\\\").replace("'", "''") + "'\n";
    }

    /**
     * A libpq connection string with every value in single quotes ({@code \} and {@code '} escaped
     * with a backslash), so a value with a blank (a path) stays one value.
     */
    static String conninfo(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> {
                    requireNoControlCharacter("the connection setting " + e.getKey(), e.getValue());
                    return e.getKey() + "='"
                            + e.getValue().replace("\\", "\\\\").replace("'", "\\'") + "'";
                })
                .collect(Collectors.joining(" "));
    }

    /** A role name as a pg_hba.conf token: in double quotes (which it must not contain itself). */
    static String hbaRole(String property, String role) {
        requireNoControlCharacter(property, role);
        if (role.isEmpty() || role.contains("\"")) {
            throw new IllegalArgumentException(
                    property + " '" + role + "' cannot be a role in pg_hba.conf: use a name without '\"'");
        }
        return "\"" + role + "\"";
    }

    /** An address field of pg_hba.conf ({@code pgha.postgres.allowed-cidr}). */
    static String hbaAddress(String cidr) {
        if (cidr == null || !HBA_ADDRESS.matcher(cidr).matches()) {
            throw new IllegalArgumentException("pgha.postgres.allowed-cidr '" + printable(cidr)
                    + "' is not an address: use a CIDR such as 10.0.0.0/8 or 127.0.0.1/32");
        }
        return cidr;
    }

    /** A line of a pgpass file for {@code user} on any host ({@code \} and {@code :} escaped). */
    static String pgpassLine(String user, String password) {
        requireNoControlCharacter("the replication role name", user);
        requireNoControlCharacter("the replication password", password);
        return "*:*:*:" + escapePgpass(user) + ":" + escapePgpass(password) + "\n";
    }

    /** Throws naming {@code what} (not the value) when {@code value} holds a control character. */
    static String requireNoControlCharacter(String what, String value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        what + " contains a control character (U+" + String.format("%04X", (int) c) + " at position "
                                + i + "); PostgreSQL's files cannot hold it safely: remove it");
            }
        }
        return value;
    }

    private static String escapePgpass(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** {@code text} with control characters shown as escapes, for error messages. */
    private static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
